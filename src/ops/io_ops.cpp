// io.*: bytes from the outside world. Reading is impure (the file may change), so it is never
// folded at load and always runs for the sample that needs it.
#include "kernels/file_io.hpp"
#include "kernels/sequence.hpp"
#include "ops/families.hpp"
#include "exec/item_callbacks.hpp"
#include "ops/file_cache.hpp"
#include "ops/npy_file.hpp"
#include "ops/record_file.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

namespace {

// The type of one row, record or item from the `dtype` and `shape` attributes. A batch of them
// has one dimension more, so they have at most kMaxDims - 1; -1 (a dimension that varies) only
// where `varying` allows it.
Type attribute_row_type(const InferContext& ctx, const char* what, bool varying = false) {
  const Shape& shape = ctx.attrs.get_ints("shape");
  DType dtype = ctx.attrs.get_dtype("dtype");
  if (shape.size() >= static_cast<size_t>(kMaxDims))
    type_error("attribute 'shape' has " + std::to_string(shape.size()) + " dimensions: " + what + " have at most " +
               std::to_string(kMaxDims - 1));
  Shape sized;
  for (int64_t d : shape) {
    if (d < 0 && !(varying && d == kUnknownDim))
      type_error(std::string("attribute 'shape': dimensions are >= 0") + (varying ? ", or -1 when they vary" : ""));
    sized.push_back(d < 0 ? 1 : d);
  }
  try {
    checked_numel(sized, dtype_size(dtype));
  } catch (const Error& e) {
    type_error("attribute 'shape': " + e.message());
  }
  return Type::tensor(dtype, shape);
}

const std::string& string_input(const Args& args, size_t k, const char* name) {
  if (!args[k].is_string()) type_error(std::string("input '") + name + "' must be a string, not " + args[k].describe());
  return args[k].string();
}

}  // namespace

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
              return Value(kernels::read_file(string_input(args, 0, "path"), ctx.limits.max_file_bytes));
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
                      return attribute_row_type(ctx, "rows");  // the file has one dimension more
                    })
            .impure()
            .reads_file()
            .exec([](ExecContext& ctx, const Args& args) {
              int64_t index = kernels::integer_value(args[1], "index");
              return Value(NpyFile::open(string_input(args, 0, "path"))
                               ->row(index, ctx.attrs.get_dtype("dtype"), ctx.attrs.get_ints("shape")));
            })
            .build());
  r.add(OpBuilder("io.read_range")
            .doc("`length` bytes of a file from byte `offset` on, for the decoders: a member of a tar shard "
                 "(pixelpipes.datasets.TarShards) or any file that packs several items. The file is opened once "
                 "per process and kept open (a process-wide cache of file descriptors, checked against the file's "
                 "identity at every read, so a file replaced since is opened again), and the range is read with "
                 "pread: no open or close per sample. PXP_EIO naming the path when it cannot be opened or is not a "
                 "regular file, PXP_EOUT_OF_RANGE when the range does not lie inside the file (or offset or length "
                 "is negative), PXP_ENOMEM when length is larger than the pipeline's max_file_bytes.")
            .input("path", "File name (a string).")
            .input("offset", "The first byte: an integer in [0, file size].")
            .input("length", "How many bytes: an integer >= 0, with offset + length <= file size.")
            .output("u8 tensor of shape [length] (unknown until read)",
                    [](const InferContext& ctx) {
                      expect_string(ctx, 0, "path");
                      check_integer_scalar_type(ctx.inputs.at(1), "offset");
                      check_integer_scalar_type(ctx.inputs.at(2), "length");
                      return Type::tensor(DType::U8, Shape{kUnknownDim});
                    })
            .impure()
            .reads_file()
            .exec([](ExecContext& ctx, const Args& args) {
              const std::string& path = string_input(args, 0, "path");
              int64_t offset = kernels::integer_value(args[1], "offset");
              int64_t length = kernels::integer_value(args[2], "length");
              if (offset < 0 || length < 0)
                range_error("cannot read " + std::to_string(length) + " bytes at offset " + std::to_string(offset) +
                            " of '" + path + "': offset and length must be >= 0");
              if (static_cast<uint64_t>(length) > ctx.limits.max_file_bytes)
                fail(PXP_ENOMEM, "cannot read " + std::to_string(length) + " bytes of '" + path +
                                     "': more than max_file_bytes = " + std::to_string(ctx.limits.max_file_bytes));
              return Value(FileCache<MappedFile>::open(path, "a file")
                               ->read(static_cast<uint64_t>(offset), static_cast<uint64_t>(length)));
            })
            .build());

  r.add(OpBuilder("io.record_bytes")
            .doc("The bytes of field `field` of record `index` in a packed-records file (docs/packed-records.md; "
                 "pixelpipes.datasets.PackedRecords), e.g. an encoded image for `image.decode`. The file is "
                 "opened and its header checked once per process (a process-wide cache, checked against the "
                 "file's identity at every read), then memory-mapped read-only: a record of 64 KiB or more is a "
                 "view of the mapping (no copy, its pages leave the resident set when the sample is done with "
                 "it), a smaller one is read with pread. The pipeline's max_file_bytes does not apply. PXP_EIO "
                 "when the file cannot be opened, PXP_EDECODE naming the file when it is not a valid "
                 "packed-records file, has no bytes field `field` or the record's offsets are broken, "
                 "PXP_EOUT_OF_RANGE for an index outside [0, records).")
            .input("path", "File name (a string).")
            .input("index", "The record: an integer in [0, records).")
            .input("field", "The field's name (a string).")
            .output("u8 tensor of shape [n] (n unknown until read)",
                    [](const InferContext& ctx) {
                      expect_string(ctx, 0, "path");
                      check_integer_scalar_type(ctx.inputs.at(1), "index");
                      expect_string(ctx, 2, "field");
                      return Type::tensor(DType::U8, Shape{kUnknownDim});
                    })
            .impure()
            .reads_file()
            .exec([](ExecContext&, const Args& args) {
              int64_t index = kernels::integer_value(args[1], "index");
              return Value(RecordFile::open(string_input(args, 0, "path"))->bytes(string_input(args, 2, "field"), index));
            })
            .build());

  r.add(OpBuilder("io.record_array")
            .doc("Field `field` of record `index` in a packed-records file (docs/packed-records.md): an array "
                 "field, whose `dtype` and `shape` are what the file held when the program was built "
                 "(pixelpipes.datasets.PackedRecords reads them from the header). Read as io.record_bytes reads "
                 "(a view of the mapping from 64 KiB on, unless bool). PXP_EDECODE naming the file when the field "
                 "is missing, is not an array field or differs from `dtype` and `shape`; PXP_EOUT_OF_RANGE for an "
                 "index outside [0, records).")
            .input("path", "File name (a string).")
            .input("index", "The record: an integer in [0, records).")
            .input("field", "The field's name (a string).")
            .attr_dtype("dtype", std::nullopt, "The element type of the field.")
            .attr_ints("shape", std::nullopt, "The shape of one record's value.")
            .output("a tensor of `dtype` and `shape`",
                    [](const InferContext& ctx) {
                      expect_string(ctx, 0, "path");
                      check_integer_scalar_type(ctx.inputs.at(1), "index");
                      expect_string(ctx, 2, "field");
                      return attribute_row_type(ctx, "record fields");
                    })
            .impure()
            .reads_file()
            .exec([](ExecContext& ctx, const Args& args) {
              int64_t index = kernels::integer_value(args[1], "index");
              return Value(RecordFile::open(string_input(args, 0, "path"))
                               ->array(string_input(args, 2, "field"), index, ctx.attrs.get_dtype("dtype"),
                                       ctx.attrs.get_ints("shape")));
            })
            .build());
  r.add(OpBuilder("io.callback")
            .doc("Item `index` computed by the host program: the callback registered under `name` "
                 "(pixelpipes/callback.h; from Python, pixelpipes.datasets.PythonItems) returns it as a tensor of "
                 "`dtype` with `shape` (-1 for a dimension that varies: encoded bytes are u8 [-1]). For data no "
                 "built-in source reads. A Python callback runs with the GIL held, so at most one runs at a time "
                 "whatever the thread count: the per-op profile shows its share. PXP_ESTATE when no callback of "
                 "that name is registered in the process, PXP_EIO naming the callback and the item when it fails, "
                 "PXP_ETYPE when its result differs from `dtype` and `shape`.")
            .input("name", "The callback's registered name (a string).")
            .input("index", "The item: an integer, passed to the callback.")
            .attr_dtype("dtype", std::nullopt, "The element type of the callback's results.")
            .attr_ints("shape", std::nullopt, "The shape of its results; -1 for a dimension that varies.")
            .output("a tensor of `dtype` and `shape`",
                    [](const InferContext& ctx) {
                      expect_string(ctx, 0, "name");
                      check_integer_scalar_type(ctx.inputs.at(1), "index");
                      return attribute_row_type(ctx, "callback results", /*varying=*/true);
                    })
            .impure()
            .exec([](ExecContext& ctx, const Args& args) {
              const std::string& name = string_input(args, 0, "name");
              int64_t index = kernels::integer_value(args[1], "index");
              Tensor t = call_item_callback(name, index);
              DType dtype = ctx.attrs.get_dtype("dtype");
              const Shape& shape = ctx.attrs.get_ints("shape");
              bool fits = t.dtype() == dtype && t.shape().size() == shape.size();
              for (size_t d = 0; fits && d < shape.size(); ++d) fits = shape[d] < 0 || shape[d] == t.shape()[d];
              if (!fits)
                type_error("callback '" + name + "' returned " + Value(t).describe() + " for item " +
                           std::to_string(index) + ", but the program expects " + Type::tensor(dtype, shape).to_string());
              return Value(std::move(t));
            })
            .build());
}

}  // namespace pxp
