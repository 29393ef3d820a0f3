// io.*: bytes from the outside world. Reading is impure (the file may change), so it is never
// folded at load and always runs for the sample that needs it.
#include "kernels/file_io.hpp"
#include "kernels/sequence.hpp"
#include "ops/families.hpp"
#include "ops/npy_file.hpp"
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

  r.add(OpBuilder("io.npy_row")
            .doc("Row `index` of the array in a NumPy .npy file (rows are the first dimension), without reading "
                 "the rest: the file is memory-mapped read-only, once per process and shared by every pipeline "
                 "and worker, so it may be far larger than memory. `dtype` and `shape` (one row's) are what "
                 "the file held when the program was built (pixelpipes.datasets.NpyArrays reads them from the "
                 "header). A row of 64 KiB or more is a view of the mapping (no copy) unless it is bool or the "
                 "file's data is not aligned to its dtype; other rows are read into a new tensor. The pipeline's "
                 "max_file_bytes does not apply: only the row is read. "
                 "PXP_EIO when the file cannot be opened or mapped, PXP_EDECODE when it is not a valid .npy "
                 "file (format 1.0 to 3.0, little-endian dtype of the library, C order) or its rows differ from "
                 "`dtype` and `shape`, PXP_EOUT_OF_RANGE for an index outside [0, rows); each names the file.")
            .input("path", "File name (a string).")
            .input("index", "The row: an integer in [0, rows).")
            .attr_dtype("dtype", std::nullopt, "The element type of the file.")
            .attr_ints("shape", std::nullopt, "The shape of one row: the file's shape without its first dimension.")
            .output("a tensor of `dtype` and `shape`",
                    [](const InferContext& ctx) {
                      expect_string(ctx, 0, "path");
                      check_integer_scalar_type(ctx.inputs.at(1), "index");
                      const Shape& shape = ctx.attrs.get_ints("shape");
                      DType dtype = ctx.attrs.get_dtype("dtype");
                      // a file of rows of this shape has one dimension more, at most kMaxDims
                      if (shape.size() >= static_cast<size_t>(kMaxDims))
                        type_error("attribute 'shape' has " + std::to_string(shape.size()) +
                                   " dimensions: rows have at most " + std::to_string(kMaxDims - 1));
                      try {
                        checked_numel(shape, dtype_size(dtype));
                      } catch (const Error& e) {
                        type_error("attribute 'shape': " + e.message());
                      }
                      return Type::tensor(dtype, shape);
                    })
            .impure()
            .reads_file()
            .exec([](ExecContext& ctx, const Args& args) {
              if (!args[0].is_string())
                type_error("input 'path' must be a string, not " + args[0].describe());
              int64_t index = kernels::integer_value(args[1], "index");
              return Value(NpyFile::open(args[0].string())
                               ->row(index, ctx.attrs.get_dtype("dtype"), ctx.attrs.get_ints("shape")));
            })
            .build());
}

}  // namespace pxp
