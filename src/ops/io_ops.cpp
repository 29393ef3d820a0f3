// io.*: bytes from the outside world. Reading is impure (the file may change), so it is never
// folded at load and always runs for the sample that needs it.
#include "kernels/file_io.hpp"
#include "ops/families.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

void register_io_ops(Registry& r) {
  r.add(OpBuilder("io.read_file")
            .doc("The whole content of a file as bytes, for the decoders (`image.decode` ...). A missing or "
                 "unreadable file fails with PXP_EIO naming the path and the system's reason; so does a path that "
                 "is not a regular file (a directory, a device, a FIFO) and a file larger than the pipeline's "
                 "max_file_bytes (default 2^30 bytes).")
            .input("path", "File name (a string).")
            .output("u8 tensor of shape [n] (n unknown until read)",
                    [](const InferContext& ctx) {
                      expect_string(ctx, 0, "path");
                      return Type::tensor(DType::U8, Shape{kUnknownDim});
                    })
            .impure()
            .reads_file()
            .exec([](ExecContext& ctx, const Args& args) {
              if (!args[0].is_string())
                type_error("input 'path' must be a string, not " + args[0].describe());
              return Value(kernels::read_file(args[0].string(), ctx.limits.max_file_bytes));
            })
            .build());
}

}  // namespace pxp
