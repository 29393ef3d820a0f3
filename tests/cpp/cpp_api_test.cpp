// The header-only C++ API (include/pixelpipes/pixelpipes.hpp), used as a consumer uses it: this
// file includes no internal header (its programs come as bytes from cpp_api_programs.cpp).
// Ownership and moves, errors as exceptions with the ABI's details, streams to their end, views
// that outlive the pipeline, typed access with dtype checks, run_many.
#include <gtest/gtest.h>

#include <pixelpipes/pixelpipes.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "cpp_api_programs.hpp"

namespace {

using pxp::Batch;
using pxp::DType;
using pxp::Error;
using pxp::Pipeline;
using pxp::PipelineOptions;
using pxp::Program;
using pxp::Sample;
using pxp::Stream;
using pxp::StreamOptions;
using pxp::ValueKind;

enum Output : size_t { kIndex = 0, kMatrix, kEven, kName, kItems, kRow };

Program demo() { return Program::from_bytes(cpp_api_programs::demo()); }

// The status of the pxp::Error that f throws (PXP_OK if it throws none).
template <typename F> pxp_status status_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return PXP_OK;
}

// The sample indices of a batch's "index" output.
std::vector<int64_t> indices(const Batch& batch) { return batch.output(kIndex).tensor().to_vector<int64_t>(); }

TEST(CppApi, HeaderAndLibraryVersionsAgree) {
  EXPECT_EQ(pxp::header_version_number, pxp::version_number());
  EXPECT_EQ(pxp::version(), PXP_VERSION_STRING);
}

TEST(CppApi, ProgramDescribesItsOutputs) {
  const std::string bytes = cpp_api_programs::demo();
  Program program = Program::from_bytes(bytes);
  ASSERT_TRUE(program);
  ASSERT_EQ(program.output_count(), 6u);
  std::vector<pxp::OutputInfo> outputs = program.outputs();
  std::vector<std::string> names;
  for (const auto& o : outputs) names.push_back(o.name);
  EXPECT_EQ(names, (std::vector<std::string>{"index", "matrix", "even", "name", "items", "row"}));
  const pxp::OutputInfo& matrix = outputs[kMatrix];
  EXPECT_EQ(matrix.kind, ValueKind::Tensor);
  EXPECT_EQ(matrix.dtype, DType::F32);
  EXPECT_EQ(matrix.ndim, 2);
  EXPECT_EQ(matrix.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_NE(matrix.type_json.find("f32"), std::string::npos) << matrix.type_json;
  EXPECT_EQ(outputs[kName].kind, ValueKind::String);
  EXPECT_FALSE(outputs[kName].dtype.has_value());
  EXPECT_EQ(outputs[kName].ndim, -1);
  EXPECT_EQ(outputs[kRow].shape, (std::vector<int64_t>{-1}));  // its one dimension varies
  EXPECT_EQ(program.find_output("name"), std::optional<size_t>(kName));
  EXPECT_EQ(program.find_output("nothing"), std::nullopt);
  EXPECT_GE(program.instruction_count(), 10u);
  EXPECT_NE(program.describe().find("\"math.add\""), std::string_view::npos);
  EXPECT_EQ(program.bytes(), bytes);
  EXPECT_EQ(program.saved_seed(), std::nullopt);
}

TEST(CppApi, ProgramFromFileAndItsErrors) {
  const std::string path = std::string(PXP_TEST_BINARY_DIR) + "/cpp_api_demo.pxp";
  {
    std::ofstream out(path, std::ios::binary);
    out << cpp_api_programs::demo();
  }
  EXPECT_EQ(Program::from_file(path).output_count(), 6u);
  std::remove(path.c_str());
  try {
    (void)Program::from_file(path);
    FAIL() << "a missing file loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EIO);
    EXPECT_NE(e.message().find(path), std::string::npos) << e.what();
  }
}

TEST(CppApi, MovedFromObjectsAreEmptyAndSafeToUseAndDestroy) {
  Program a = demo();
  pxp_program* handle = a.get();
  Program b = std::move(a);  // move construction
  EXPECT_FALSE(a);
  EXPECT_EQ(a.get(), nullptr);
  EXPECT_EQ(b.get(), handle);
  EXPECT_EQ(status_of([&] { (void)a.output_count(); }), PXP_EINVALID_ARGUMENT);  // the C API refuses NULL
  Program c = demo();
  c = std::move(b);  // move assignment frees c's own program (ASan would report a leak otherwise)
  EXPECT_EQ(c.get(), handle);
  EXPECT_FALSE(b);
  Program& same = c;
  c = std::move(same);  // self-move keeps the program
  EXPECT_EQ(c.get(), handle);
  Program adopted(c.release());  // ownership handed over: exactly one owner frees it
  EXPECT_FALSE(c);
  EXPECT_EQ(adopted.get(), handle);

  Pipeline p1(adopted);
  adopted.reset();  // the pipeline keeps its own reference to the program
  EXPECT_FALSE(adopted);
  Pipeline p2 = std::move(p1);
  EXPECT_FALSE(p1);
  EXPECT_EQ(status_of([&] { (void)p1.run(0); }), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(status_of([&] { (void)p1.stream(); }), PXP_EINVALID_ARGUMENT);
  p1 = std::move(p2);
  EXPECT_TRUE(p1);
  EXPECT_FALSE(p2);

  Sample s1 = p1.run(4);
  Sample s2 = std::move(s1);
  EXPECT_FALSE(s1);
  EXPECT_EQ(status_of([&] { (void)s1.output(0); }), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(s2.index(), 4u);
  s1 = p1.run(5);
  s1 = std::move(s2);  // frees sample 5
  EXPECT_EQ(s1.index(), 4u);

  Stream stream = p1.stream(StreamOptions().batch_size(2));
  Batch first = stream.next();
  Batch moved = std::move(first);
  EXPECT_FALSE(first);
  EXPECT_EQ(moved.size(), 2u);
  EXPECT_EQ(status_of([&] { (void)first.info(); }), PXP_EINVALID_ARGUMENT);
  Stream other = std::move(stream);
  EXPECT_EQ(status_of([&] { (void)stream.next(); }), PXP_ESTATE);
  EXPECT_EQ(indices(other.next()), (std::vector<int64_t>{2, 3}));  // the moved stream goes on

  // Default-constructed objects are empty too.
  EXPECT_FALSE(Program());
  EXPECT_FALSE(Pipeline());
  EXPECT_FALSE(Sample());
  EXPECT_FALSE(Batch());
  EXPECT_EQ(status_of([] { (void)Stream().next(); }), PXP_ESTATE);
}  // every moved-from object is destroyed here too: a double free would abort under ASan

TEST(CppApi, RunGivesTypedViewsOfEveryKind) {
  Pipeline pipeline(demo(), PipelineOptions().seed(3).threads(2));
  Sample sample = pipeline.run(5);
  EXPECT_EQ(sample.index(), 5u);

  pxp::TensorView index = sample.output(kIndex).tensor();
  EXPECT_EQ(index.ndim(), 0);
  EXPECT_EQ(index.size(), 1);
  EXPECT_EQ(index.at<int64_t>(), 5);

  pxp::Value matrix_value = sample.output(kMatrix);
  EXPECT_EQ(matrix_value.kind(), ValueKind::Tensor);
  pxp::TensorView matrix = matrix_value.tensor();
  EXPECT_EQ(matrix.dtype(), DType::F32);
  EXPECT_STREQ(matrix.dtype_name(), "f32");
  EXPECT_TRUE(matrix.is<float>());
  EXPECT_FALSE(matrix.is<double>());
  EXPECT_EQ(matrix.shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(matrix.shape(1), 3);
  EXPECT_EQ(matrix.strides(), (std::vector<int64_t>{12, 4}));
  EXPECT_TRUE(matrix.is_contiguous());
  EXPECT_EQ(matrix.at<float>(1, 2), 3 + 2 + 5);
  EXPECT_EQ(matrix.at<float>(0, 1), 0 + 1 + 5);
  EXPECT_EQ(matrix.data_as<float>()[4], 4 + 5);
  EXPECT_EQ(matrix.to_vector<float>(), (std::vector<float>{5, 6, 7, 8, 9, 10}));

  EXPECT_EQ(sample.output(kEven).tensor().at<bool>(), false);
  EXPECT_EQ(pipeline.run(6).output(kEven).tensor().at<bool>(), true);
  EXPECT_TRUE(sample.output(kName).is_string());
  EXPECT_EQ(sample.output(kName).string(), "odd");

  pxp::Value items = sample.output(kItems);
  ASSERT_TRUE(items.is_list());
  ASSERT_EQ(items.length(), 2u);
  for (const pxp::Value& item : items.elements()) EXPECT_EQ(item.tensor().at<int64_t>(), 5);
  EXPECT_EQ(sample.output(kRow).tensor().to_vector<int64_t>(), (std::vector<int64_t>{5, 5}));
}

TEST(CppApi, AWrongTypeOrIndexRaises) {
  Pipeline pipeline(demo());
  Sample sample = pipeline.run(1);
  pxp::TensorView matrix = sample.output(kMatrix).tensor();

  pxp_error_clear();
  try {
    (void)matrix.at<double>(0, 0);
    FAIL() << "f32 read as double";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_ETYPE);
    EXPECT_STREQ(e.what(), "PXP_ETYPE: the tensor is f32, not f64");
    EXPECT_EQ(e.instruction(), -1);
    EXPECT_FALSE(e.sample());
  }
  EXPECT_EQ(pxp_error_last()->code, PXP_OK);  // the header's own errors leave the ABI's last error alone
  EXPECT_EQ(status_of([&] { (void)matrix.data_as<int32_t>(); }), PXP_ETYPE);
  EXPECT_EQ(status_of([&] { (void)matrix.to_vector<uint8_t>(); }), PXP_ETYPE);
  EXPECT_EQ(status_of([&] { (void)matrix.at<float>(0); }), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(status_of([&] { (void)matrix.at<float>(2, 0); }), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(status_of([&] { (void)matrix.at<float>(0, -1); }), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(status_of([&] { (void)matrix.shape(2); }), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(status_of([&] { (void)sample.output(kIndex).tensor().at<int32_t>(); }), PXP_ETYPE);
  EXPECT_EQ(status_of([&] { (void)sample.output(kEven).tensor().at<uint8_t>(); }), PXP_ETYPE);

  // The kind checks are the library's: the Error copies its last error.
  try {
    (void)sample.output(kMatrix).string();
    FAIL() << "a tensor read as a string";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_ETYPE);
    EXPECT_EQ(pxp_error_last()->code, PXP_ETYPE);
    EXPECT_EQ(e.message(), pxp_error_last()->message);
    EXPECT_EQ(std::string(e.what()), "PXP_ETYPE: " + e.message());
  }
  EXPECT_EQ(status_of([&] { (void)sample.output(kName).tensor(); }), PXP_ETYPE);
  EXPECT_EQ(status_of([&] { (void)sample.output(kName).length(); }), PXP_ETYPE);
  EXPECT_EQ(status_of([&] { (void)sample.output(kItems).at(1); }), PXP_OK);
  EXPECT_EQ(status_of([&] { (void)sample.output(kItems).at(2); }), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(status_of([&] { (void)sample.output(6); }), PXP_EOUT_OF_RANGE);
}

TEST(CppApi, ASampleErrorCarriesItsSampleOpNodeAndSource) {
  const cpp_api_programs::Failing failing = cpp_api_programs::failing();
  Pipeline pipeline(Program::from_bytes(failing.bytes), PipelineOptions().threads(2));
  EXPECT_EQ(pipeline.run(2).output(0).tensor().at<int64_t>(), 30);
  Error caught(PXP_OK, "");
  try {
    (void)pipeline.run(3);
    FAIL() << "sample 3 is past the list";
  } catch (const Error& e) {
    caught = e;
  }
  EXPECT_EQ(caught.code(), PXP_EOUT_OF_RANGE);
  EXPECT_STREQ(caught.status_name(), "PXP_EOUT_OF_RANGE");
  EXPECT_EQ(caught.sample(), std::optional<uint64_t>(3));
  EXPECT_EQ(caught.instruction(), failing.failing_instruction);
  EXPECT_EQ(caught.op(), "list.element");
  EXPECT_EQ(caught.node(), "pick");
  EXPECT_EQ(caught.source(), "cpp_api_test.py:42");
  EXPECT_EQ(caught.file(), "");
  EXPECT_EQ(std::string(caught.what()).rfind("PXP_EOUT_OF_RANGE: ", 0), 0u) << caught.what();
  EXPECT_NE(caught.message().find("sample 3"), std::string::npos) << caught.message();

  // The Error is a copy: a later failure on this thread does not change it.
  EXPECT_EQ(status_of([&] { (void)pipeline.run(7); }), PXP_EOUT_OF_RANGE);
  EXPECT_EQ(pxp_error_last()->sample, 7u);
  EXPECT_EQ(caught.sample(), std::optional<uint64_t>(3));

  // run_many names the lowest failing index, and the pipeline goes on working.
  try {
    (void)pipeline.run_many(0, 6);
    FAIL() << "samples 3..5 fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.sample(), std::optional<uint64_t>(3));
    EXPECT_EQ(e.node(), "pick");
  }
  EXPECT_EQ(pipeline.run_many(0, 3).size(), 3u);
}

TEST(CppApi, AFileErrorNamesTheFile) {
  const std::string missing = std::string(PXP_TEST_BINARY_DIR) + "/cpp_api_no_such_file.bin";
  Pipeline pipeline(Program::from_bytes(cpp_api_programs::reads_file(missing)));
  try {
    (void)pipeline.run(4);
    FAIL() << "the file does not exist";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EIO);
    EXPECT_EQ(e.sample(), std::optional<uint64_t>(4));
    EXPECT_EQ(e.file(), missing);
    EXPECT_EQ(e.op(), "io.read_file");
    EXPECT_EQ(e.node(), "read");
    EXPECT_EQ(e.source(), "cpp_api_test.py:50");
  }
}

TEST(CppApi, ACorruptProgramRaisesWithItsInstructionOpAndNode) {
  try {
    (void)Program::from_bytes(cpp_api_programs::type_error());
    FAIL() << "string + number loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_ETYPE);
    EXPECT_EQ(e.instruction(), 2);
    EXPECT_EQ(e.op(), "math.add");
    EXPECT_EQ(e.node(), "sum");
    EXPECT_EQ(e.source(), "cpp_api_test.py:7");
    EXPECT_FALSE(e.sample());
    EXPECT_NE(e.message().find("instruction 2"), std::string::npos) << e.message();
  }
  const std::string bytes = cpp_api_programs::demo();
  try {
    (void)Program::from_bytes(bytes.data(), bytes.size() / 2);  // truncated
    FAIL() << "half a program loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EINVALID_PROGRAM);
    EXPECT_FALSE(e.message().empty());
  }
  EXPECT_EQ(status_of([] { (void)Program::from_bytes("PXPP", 4); }), PXP_EINVALID_PROGRAM);
}

TEST(CppApi, ABatchLoopEndsAtTheStopWithAShortLastBatch) {
  Pipeline pipeline(demo(), PipelineOptions().threads(2));
  Stream stream = pipeline.stream(StreamOptions().start(2).batch_size(4).stop(13).prefetch(3));
  EXPECT_EQ(stream.batch_count(), 3u);
  std::vector<uint32_t> sizes;
  std::vector<uint64_t> numbers, firsts;
  std::vector<int64_t> seen;
  for (Batch& batch : stream) {
    sizes.push_back(batch.size());
    numbers.push_back(batch.number());
    firsts.push_back(batch.first_position());
    std::vector<int64_t> rows = indices(batch);
    seen.insert(seen.end(), rows.begin(), rows.end());
    pxp::TensorView matrix = batch.output(kMatrix).tensor();  // stacked: one buffer, leading batch axis
    EXPECT_EQ(matrix.shape(), (std::vector<int64_t>{batch.size(), 2, 3}));
    EXPECT_EQ(matrix.at<float>(batch.size() - 1, 1, 0), 3.0f + static_cast<float>(rows.back()));
    pxp::Value names = batch.output(kName);  // varying outputs are listed per sample
    ASSERT_EQ(names.length(), batch.size());
    EXPECT_EQ(names.at(0).string(), rows[0] % 2 ? "odd" : "even");
    EXPECT_EQ(batch.output(kItems).at(0).length(), static_cast<size_t>(1 + rows[0] % 2));
  }
  EXPECT_EQ(sizes, (std::vector<uint32_t>{4, 4, 3}));
  EXPECT_EQ(numbers, (std::vector<uint64_t>{0, 1, 2}));
  EXPECT_EQ(firsts, (std::vector<uint64_t>{2, 6, 10}));
  EXPECT_EQ(seen, (std::vector<int64_t>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  EXPECT_TRUE(stream.ended());
  EXPECT_FALSE(stream.next());  // and stays at the end
  EXPECT_FALSE(stream.next());
  for (Batch& batch : stream) ADD_FAILURE() << "a batch after the end: " << batch.number();
  // An ended stream is still the pipeline's stream until it is stopped (or destroyed).
  EXPECT_EQ(stream.batch_count(), 3u);
  EXPECT_GT(stream.stats().buffers_allocated, 0u);
  EXPECT_EQ(status_of([&] { pipeline.set_threads(1); }), PXP_ESTATE);
  stream.stop();
  EXPECT_EQ(stream.stats().buffers_allocated, 0u);
  EXPECT_EQ(status_of([&] { (void)stream.batch_count(); }), PXP_ESTATE);
  EXPECT_EQ(status_of([&] { pipeline.set_threads(1); }), PXP_OK);

  // drop_last drops the short batch; a stream that ends at once yields nothing.
  int count = 0;
  for (Batch& batch : pipeline.stream(StreamOptions().start(2).batch_size(4).stop(13).drop_last(true))) {
    EXPECT_EQ(batch.size(), 4u);
    ++count;
  }
  EXPECT_EQ(count, 2);
  for (Batch& batch : pipeline.stream(StreamOptions().start(5).stop(5))) ADD_FAILURE() << batch.number();
}

TEST(CppApi, PaddedOutputsComeWithTheirLengths) {
  Pipeline pipeline(demo());
  Stream stream = pipeline.stream(StreamOptions().batch_size(3).pad_varying(true).stop(3));
  Batch batch = stream.next();
  ASSERT_TRUE(batch);
  pxp::TensorView row = batch.output(kRow).tensor();  // i64 [3, 2]: rows 1, 2, 1 long, zero-padded
  EXPECT_EQ(row.shape(), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(row.to_vector<int64_t>(), (std::vector<int64_t>{0, 0, 1, 1, 2, 0}));
  EXPECT_EQ(batch.lengths(kRow).tensor().to_vector<int64_t>(), (std::vector<int64_t>{1, 2, 1}));
  EXPECT_EQ(status_of([&] { (void)batch.lengths(kIndex); }), PXP_ESTATE);  // not a padded output
}

TEST(CppApi, AFailingBatchThrowsAndTheStreamMovesPastIt) {
  const cpp_api_programs::Failing failing = cpp_api_programs::failing();
  Pipeline pipeline(Program::from_bytes(failing.bytes), PipelineOptions().threads(2));
  Stream stream = pipeline.stream(StreamOptions().batch_size(2).stop(6));
  std::vector<uint64_t> good;
  try {
    for (Batch& batch : stream) good.push_back(batch.first_position());
    FAIL() << "batch 1 holds sample 3";
  } catch (const Error& e) {
    EXPECT_EQ(e.sample(), std::optional<uint64_t>(3));
    EXPECT_EQ(e.op(), "list.element");
  }
  EXPECT_EQ(good, (std::vector<uint64_t>{0}));
  EXPECT_FALSE(stream.ended());
  EXPECT_EQ(status_of([&] { (void)stream.next(); }), PXP_EOUT_OF_RANGE);  // batch 2: samples 4, 5
  EXPECT_FALSE(stream.next());                                             // past the last batch
  EXPECT_GE(pipeline.error_stats().failed, 2u);  // samples 3 and 4 at least (5 may be skipped)
  EXPECT_TRUE(pipeline.epoch_skips().empty());
}

TEST(CppApi, SamplesBatchesAndViewsOutliveThePipeline) {
  Sample sample;
  std::vector<Batch> kept;
  Stream orphan;
  {
    Pipeline pipeline(demo(), PipelineOptions().threads(2));
    sample = pipeline.run(9);
    orphan = pipeline.stream(StreamOptions().batch_size(2).stop(8));
    for (Batch& batch : orphan) kept.push_back(std::move(batch));  // moving it out does not end the loop
    orphan = pipeline.stream(StreamOptions().batch_size(2));        // endless: the pipeline's end stops it
    ASSERT_TRUE(orphan.next());
  }
  ASSERT_EQ(kept.size(), 4u);
  for (size_t k = 0; k < kept.size(); ++k) {
    const int64_t first = static_cast<int64_t>(2 * k);
    EXPECT_EQ(indices(kept[k]), (std::vector<int64_t>{first, first + 1}));
    EXPECT_EQ(kept[k].output(kMatrix).tensor().at<float>(1, 1, 0), 3.0f + static_cast<float>(first + 1));
  }
  pxp::TensorView matrix = sample.output(kMatrix).tensor();
  Sample moved = std::move(sample);  // moving the owner keeps its views valid
  EXPECT_EQ(matrix.at<float>(1, 2), 3 + 2 + 9);
  EXPECT_EQ(moved.output(kName).string(), "odd");

  // The Stream of a destroyed pipeline throws, and destroying it is safe.
  EXPECT_EQ(status_of([&] { (void)orphan.next(); }), PXP_ESTATE);
  EXPECT_EQ(status_of([&] { (void)orphan.batch_count(); }), PXP_ESTATE);
}

TEST(CppApi, ALaterStreamReplacesTheEarlierOne) {
  Pipeline pipeline(demo(), PipelineOptions().threads(2));
  Stream first = pipeline.stream(StreamOptions().batch_size(2));
  EXPECT_EQ(indices(first.next()), (std::vector<int64_t>{0, 1}));
  Stream second = pipeline.stream(StreamOptions().start(100).batch_size(2));
  try {
    (void)first.next();
    FAIL() << "a replaced stream went on";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_ESTATE);
    EXPECT_NE(e.message().find("replaced"), std::string::npos) << e.message();
  }
  EXPECT_EQ(indices(second.next()), (std::vector<int64_t>{100, 101}));

  // Assigning a new stream to the variable that held the old one must not stop the new one.
  second = pipeline.stream(StreamOptions().start(200).batch_size(2));
  EXPECT_EQ(indices(second.next()), (std::vector<int64_t>{200, 201}));
  { Stream replaced = std::move(first); }  // destroying a replaced Stream does not stop the current one
  EXPECT_EQ(indices(second.next()), (std::vector<int64_t>{202, 203}));

  // While a stream runs the pool is in use; destroying (or stopping) the Stream ends it.
  EXPECT_EQ(status_of([&] { pipeline.set_threads(1); }), PXP_ESTATE);
  second.stop();
  EXPECT_TRUE(second.ended());
  EXPECT_FALSE(second.next());
  EXPECT_EQ(status_of([&] { pipeline.set_threads(1); }), PXP_OK);
  {
    Stream scoped = pipeline.stream(StreamOptions().batch_size(2));
    EXPECT_TRUE(scoped.next());
    EXPECT_EQ(status_of([&] { pipeline.set_threads(2); }), PXP_ESTATE);
  }
  EXPECT_EQ(status_of([&] { pipeline.set_threads(2); }), PXP_OK);

  // A stream that fails to start stops the old one as well: then no stream runs.
  Stream third = pipeline.stream(StreamOptions().batch_size(2));
  EXPECT_EQ(status_of([&] { (void)pipeline.stream(StreamOptions().prefetch(0)); }), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(status_of([&] { (void)third.next(); }), PXP_ESTATE);
  EXPECT_EQ(status_of([&] { pipeline.set_threads(1); }), PXP_OK);
  Stream fourth = pipeline.stream(StreamOptions().batch_size(2));
  pxp_stream_options unknown = StreamOptions().c_options();
  unknown.version = 99;  // refused before the C API touches the running stream
  StreamOptions bad;
  bad.c_options() = unknown;
  EXPECT_EQ(status_of([&] { (void)pipeline.stream(bad); }), PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(status_of([&] { pipeline.set_threads(2); }), PXP_OK);
}

TEST(CppApi, RunManyReturnsTheSamplesInOrder) {
  Pipeline pipeline(demo(), PipelineOptions().seed(11).threads(3));
  std::vector<Sample> samples = pipeline.run_many(10, 6);
  ASSERT_EQ(samples.size(), 6u);
  for (size_t k = 0; k < samples.size(); ++k) {
    EXPECT_EQ(samples[k].index(), 10 + k);
    EXPECT_EQ(samples[k].output(kIndex).tensor().at<int64_t>(), static_cast<int64_t>(10 + k));
    EXPECT_EQ(samples[k].output(kMatrix).tensor().to_vector<float>(),
              pipeline.run(10 + k).output(kMatrix).tensor().to_vector<float>());
  }
  EXPECT_TRUE(pipeline.run_many(3, 0).empty());

  pipeline.interrupt(true);
  EXPECT_EQ(status_of([&] { (void)pipeline.run_many(0, 4); }), PXP_ESTATE);
  pipeline.interrupt(false);
  EXPECT_EQ(pipeline.run_many(0, 4).size(), 4u);
}

TEST(CppApi, OptionsStartFromTheLibrarysDefaults) {
  pxp_pipeline_options c;
  ASSERT_EQ(pxp_pipeline_options_init(&c, PXP_PIPELINE_OPTIONS_VERSION), PXP_OK);
  PipelineOptions p;
  EXPECT_EQ(p.c_options().version, c.version);
  EXPECT_EQ(p.seed(), c.seed);
  EXPECT_EQ(p.threads(), c.threads);
  EXPECT_EQ(static_cast<uint32_t>(p.on_error()), c.on_error);
  EXPECT_EQ(p.max_attempts(), c.max_attempts);
  EXPECT_EQ(p.fallback_index(), c.fallback_index);
  EXPECT_EQ(p.epoch_length(), c.epoch_length);
  EXPECT_EQ(p.max_batch_bytes(), c.max_batch_bytes);
  EXPECT_EQ(p.max_file_bytes(), c.max_file_bytes);
  p.seed(9).threads(4).on_error(pxp::OnError::Skip).max_attempts(5).epoch_length(100);
  EXPECT_EQ(p.c_options().seed, 9u);
  EXPECT_EQ(p.c_options().threads, 4u);
  EXPECT_EQ(p.c_options().on_error, uint32_t(PXP_ON_ERROR_SKIP));
  EXPECT_EQ(p.c_options().max_attempts, 5u);

  pxp_stream_options cs;
  ASSERT_EQ(pxp_stream_options_init(&cs, PXP_STREAM_OPTIONS_VERSION), PXP_OK);
  StreamOptions s;
  EXPECT_EQ(s.c_options().version, cs.version);
  EXPECT_EQ(s.start(), cs.start);
  EXPECT_EQ(s.batch_size(), cs.batch_size);
  EXPECT_EQ(s.prefetch(), cs.prefetch);
  EXPECT_EQ(s.rank(), cs.rank);
  EXPECT_EQ(s.world_size(), cs.world_size);
  EXPECT_FALSE(s.pad_varying());
  EXPECT_EQ(s.stop(), std::nullopt);
  EXPECT_FALSE(s.drop_last());
  s.stop(13).drop_last(true).rank(1).world_size(2);
  EXPECT_EQ(s.c_options().has_stop, 1u);
  EXPECT_EQ(s.c_options().stop, 13u);
  EXPECT_EQ(s.c_options().drop_last, 1u);
  EXPECT_EQ(s.stop(), std::optional<uint64_t>(13));
  s.no_stop();
  EXPECT_EQ(s.c_options().has_stop, 0u);

  // The limits are the library's, and its message names the option.
  try {
    Pipeline pipeline(demo(), PipelineOptions().threads(100000));
    FAIL() << "100000 threads accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EINVALID_ARGUMENT);
    EXPECT_NE(e.message().find("threads"), std::string::npos) << e.message();
  }
  Pipeline pipeline(demo());
  EXPECT_EQ(status_of([&] { (void)pipeline.stream(StreamOptions().rank(2).world_size(2)); }),
            PXP_EINVALID_ARGUMENT);
}

TEST(CppApi, ProfileRowsAndStreamStats) {
  Program program = demo();
  Pipeline pipeline(program, PipelineOptions().threads(2));
  pipeline.profile_enable(true);
  (void)pipeline.run(1);
  std::vector<pxp::ProfileRow> rows = pipeline.profile();
  ASSERT_EQ(rows.size(), program.instruction_count() + 1);
  EXPECT_EQ(rows.back().op, "(batch copy)");
  EXPECT_EQ(rows[0].op, "core.sample_index");
  EXPECT_EQ(rows[0].count, 1u);
  pipeline.profile_reset();
  EXPECT_EQ(pipeline.profile()[0].count, 0u);

  Stream stream = pipeline.stream(StreamOptions().batch_size(4).stop(16).prefetch(1));
  for (Batch& batch : stream) (void)batch;  // each freed as the loop moves on: its buffers are reused
  const pxp::StreamStats stats = stream.stats();
  EXPECT_GT(stats.buffers_allocated, 0u);
  EXPECT_GT(stats.buffers_reused, 0u);
}

TEST(CppApi, TheRegistryListsTheOps) {
  std::vector<std::string> names = pxp::op_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_NE(std::find(names.begin(), names.end(), "math.add"), names.end());
  EXPECT_NE(pxp::op_schema("math.add").find("\"inputs\""), std::string_view::npos);
  EXPECT_EQ(status_of([] { (void)pxp::op_schema("no.such_op"); }), PXP_EUNKNOWN_OP);
}

}  // namespace
