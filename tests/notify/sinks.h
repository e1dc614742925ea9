// Local stand-ins for an SMS gateway (HTTP) and a mail server (SMTP), on
// 127.0.0.1 with a port the OS picks, recording what they receive. Plain
// sockets, a thread per connection. For tests only; the accessors are
// thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace shop::queue::testing {

struct HttpRequest {
  std::string method;
  std::string target;                         // path and query
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// A listening socket on 127.0.0.1 (port picked by the OS) with a thread per
// accepted connection running `serve(fd)`. Stop() ends every connection and
// joins the threads; a sink calls it before its own members go.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::function<void(int fd)> serve);
  ~LoopbackServer() { Stop(); }
  int port() const { return port_; }
  void Stop();

 private:
  std::function<void(int)> serve_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::mutex mu_;
  bool stopped_ = false;
  std::vector<std::thread> threads_;
  std::vector<int> fds_;
  std::thread acceptor_;
};

class HttpSink {
 public:
  HttpSink();
  ~HttpSink();
  int port() const { return server_.port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

  // The status of the answers from now on (200 at first); 0: hold the
  // request without answering until the sink is destroyed or Release().
  void SetStatus(int status);
  // Answers the held requests (with the current status).
  void Release();
  std::vector<HttpRequest> requests() const;
  // Waits until at least `n` requests came (false after `timeout`).
  bool WaitFor(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  void Serve(int fd);
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  int status_ = 200;
  bool release_ = false;
  bool stopping_ = false;
  std::vector<HttpRequest> requests_;
  LoopbackServer server_{[this](int fd) { Serve(fd); }};  // last: starts when the rest is ready
};

struct Mail {
  std::string from;             // MAIL FROM:<...> without the brackets
  std::vector<std::string> to;  // RCPT TO
  std::string data;             // the message as sent, CRLF line ends, dot-unstuffed
  std::string auth;             // the AUTH line, if any
};

class SmtpSink {
 public:
  SmtpSink();
  ~SmtpSink();
  int port() const { return server_.port(); }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port()); }
  // A reply code for RCPT TO from now on (250 at first; 550 refuses the
  // recipient, 451 defers it).
  void SetRcptReply(int code);
  std::vector<Mail> mails() const;
  bool WaitFor(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  void Serve(int fd);
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  int rcpt_reply_ = 250;
  std::vector<Mail> mails_;
  LoopbackServer server_{[this](int fd) { Serve(fd); }};  // last: starts when the rest is ready
};

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
int ClosedPort();

// Base64 decoding (for mail bodies); whitespace skipped.
std::string FromBase64(const std::string& in);

}  // namespace shop::queue::testing
