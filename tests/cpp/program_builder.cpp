#include "program_builder.hpp"

namespace pxp::test {

void pack_value(msgpack::packer<msgpack::sbuffer>& pk, const Value& v) {
  switch (v.kind()) {
    case ValueKind::String:
      pk.pack_map(2);
      pk.pack("kind"); pk.pack("string");
      pk.pack("value"); pk.pack(v.string());
      break;
    case ValueKind::List:
      pk.pack_map(2);
      pk.pack("kind"); pk.pack("list");
      pk.pack("items");
      pk.pack_array(static_cast<uint32_t>(v.list().size()));
      for (const auto& e : v.list()) pack_value(pk, e);
      break;
    case ValueKind::Tensor: {
      Tensor t = v.tensor().contiguous();
      pk.pack_map(4);
      pk.pack("kind"); pk.pack("tensor");
      pk.pack("dtype"); pk.pack(std::string(dtype_name(t.dtype())));
      pk.pack("shape");
      pk.pack_array(static_cast<uint32_t>(t.ndim()));
      for (int64_t d : t.shape()) pk.pack(static_cast<uint64_t>(d));
      pk.pack("data");
      pk.pack_bin(static_cast<uint32_t>(t.nbytes()));
      pk.pack_bin_body(reinterpret_cast<const char*>(t.bytes()), static_cast<uint32_t>(t.nbytes()));
      break;
    }
    case ValueKind::None: pk.pack_nil(); break;
  }
}

uint32_t ProgramBuilder::constant(const Value& v) {
  constants_.push_back(v);
  return op("core.constant", {}, {{"index", int64_t(constants_.size() - 1)}});
}

uint32_t ProgramBuilder::op(const std::string& name, std::vector<uint32_t> inputs, AttrList attrs, uint64_t key,
                            std::string label, std::string source) {
  instructions_.push_back({name, std::move(inputs), std::move(attrs), key, std::move(label), std::move(source)});
  return static_cast<uint32_t>(instructions_.size() - 1);
}

std::string ProgramBuilder::bytes() const {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_map(5);
  pk.pack("magic"); pk.pack("PXPP");
  pk.pack("version");
  pk.pack_array(2); pk.pack(1); pk.pack(0);
  pk.pack("constants");
  pk.pack_array(static_cast<uint32_t>(constants_.size()));
  for (const auto& c : constants_) pack_value(pk, c);
  pk.pack("instructions");
  pk.pack_array(static_cast<uint32_t>(instructions_.size()));
  for (const auto& ins : instructions_) {
    pk.pack_map(6);
    pk.pack("op"); pk.pack(ins.op);
    pk.pack("inputs"); pk.pack(ins.inputs);
    pk.pack("attributes");
    pk.pack_map(static_cast<uint32_t>(ins.attrs.size()));
    for (const auto& [k, v] : ins.attrs) {
      pk.pack(k);
      std::visit([&pk](const auto& x) { pk.pack(x); }, v);
    }
    pk.pack("key"); pk.pack(ins.key);
    pk.pack("label"); pk.pack(ins.label);
    pk.pack("source"); pk.pack(ins.source);
  }
  pk.pack("outputs");
  pk.pack_map(static_cast<uint32_t>(outputs_.size()));
  for (const auto& [name, slot] : outputs_) {
    pk.pack(name);
    pk.pack(slot);
  }
  return std::string(buf.data(), buf.size());
}

std::shared_ptr<const Program> ProgramBuilder::load() const {
  std::string b = bytes();
  return load_program(b.data(), b.size());
}

Value run_op(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs, uint64_t seed,
             uint64_t sample, bool as_runtime) {
  ProgramBuilder b;
  std::vector<uint32_t> slots;
  uint32_t always = 0;
  if (as_runtime) {
    // sample_index >= 0 is always true but unknown at load: select(true, x, x) hides x from folding.
    uint32_t index = b.op("core.sample_index");
    uint32_t zero = b.scalar<int64_t>(0);
    always = b.op("math.greater_equal", {index, zero});
  }
  for (const auto& v : inputs) {
    uint32_t s = b.constant(v);
    slots.push_back(as_runtime ? b.op("flow.select", {always, s, s}) : s);
  }
  b.output("out", b.op(op, slots, attrs, 12345, "under_test", "test.py:1"));
  Pipeline pipeline(b.load(), seed, 1);
  return pipeline.run(sample).outputs.at(0);
}

void pack_program_head(msgpack::packer<msgpack::sbuffer>& pk, uint32_t entries) {
  pk.pack_map(entries);
  pk.pack(std::string("magic"));
  pk.pack(std::string("PXPP"));
  pk.pack(std::string("version"));
  pk.pack_array(2);
  pk.pack(1);
  pk.pack(0);
}

Value run_unfolded(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs, uint64_t seed,
                   uint64_t sample) {
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  std::vector<uint32_t> slots;
  for (const auto& v : inputs) {
    uint32_t s = b.constant(v);
    slots.push_back(b.op("flow.select", {index, s, s}));
  }
  b.output("out", b.op(op, slots, attrs, 12345, "under_test", "test.py:1"));
  Pipeline pipeline(b.load(), seed, 1);
  return pipeline.run(sample).outputs.at(0);
}

pxp_status error_code(const std::function<void()>& f, std::string* message) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.message();
    return e.code();
  }
  return PXP_OK;
}

std::vector<double> values(const Tensor& t) {
  Tensor c = t.contiguous();
  std::vector<double> out(static_cast<size_t>(c.numel()));
  dispatch_dtype(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(c.data<T>()[i]);
  });
  return out;
}

pxp_status error_code(const std::string& op, const std::vector<Value>& inputs, const AttrList& attrs) {
  try {
    run_op(op, inputs, attrs);
  } catch (const Error& e) {
    return e.code();
  }
  return PXP_OK;
}

Tensor pattern(DType dtype, const Shape& shape, uint32_t seed, uint32_t salt) {
  Tensor t = Tensor::empty(dtype, shape);
  uint32_t s = seed * 2654435761u + salt;
  for (int64_t i = 0; i < t.numel(); ++i) {
    s = s * 1664525u + 1013904223u;
    uint32_t v = s >> 24;
    if (dtype == DType::U8) t.mutable_data<uint8_t>()[i] = static_cast<uint8_t>(v);
    else if (dtype == DType::U16) t.mutable_data<uint16_t>()[i] = static_cast<uint16_t>(v * 257);
    else t.mutable_data<float>()[i] = static_cast<float>(v) / 255.0f;
  }
  return t;
}

}  // namespace pxp::test
