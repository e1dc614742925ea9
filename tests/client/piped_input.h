// PipedInput: a pipe whose read end holds a given text, as if piped into a
// program; the screens under test read their keys from fd(). For tests only.
#pragma once

#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

namespace shop::queue::testing {

class PipedInput {
 public:
  explicit PipedInput(const std::string& input) {
    EXPECT_EQ(pipe(fds_), 0);
    EXPECT_EQ(write(fds_[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
    close(fds_[1]);
  }
  ~PipedInput() { close(fds_[0]); }
  PipedInput(const PipedInput&) = delete;
  PipedInput& operator=(const PipedInput&) = delete;
  int fd() const { return fds_[0]; }

 private:
  int fds_[2] = {-1, -1};
};

}  // namespace shop::queue::testing
