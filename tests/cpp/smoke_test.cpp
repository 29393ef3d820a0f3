#include <gtest/gtest.h>
#include "registry/registry.hpp"
TEST(Smoke, RegistryBuilds) { EXPECT_GT(pxp::Registry::global().size(), 3u); }
