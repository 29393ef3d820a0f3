/* The three GLX entry points that Debian's libopencv_core is linked against (for its OpenGL
 * interop, which PixelPipes never uses). The wheel ships this stub under its own soname instead of
 * libGLX and libGLdispatch, which would need X11 on machines that have no display: with no GL
 * context there is nothing to return. Built and patched in by packaging/trim_wheel.py. */
void *glXGetCurrentContext(void) { return 0; }
void *glXGetCurrentDisplay(void) { return 0; }
void (*glXGetProcAddressARB(const unsigned char *name))(void) {
  (void)name;
  return 0;
}
