#pragma once

#include <string>

namespace pointsman::test {

/// A throwaway CA and a server certificate for 127.0.0.1 and localhost, made with the `openssl`
/// command-line tool in a temporary directory that the destructor removes.
class TestCertificates {
 public:
  /// Throws std::runtime_error with the openssl output when a command fails.
  TestCertificates();
  ~TestCertificates();

  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  [[nodiscard]] const std::string& caFile() const { return caFile_; }
  [[nodiscard]] const std::string& certFile() const { return certFile_; }
  [[nodiscard]] const std::string& keyFile() const { return keyFile_; }
  /// A client certificate and key signed by the same CA.
  [[nodiscard]] const std::string& clientCertFile() const { return clientCertFile_; }
  [[nodiscard]] const std::string& clientKeyFile() const { return clientKeyFile_; }

 private:
  void run(const std::string& command) const;

  std::string directory_;
  std::string caFile_;
  std::string certFile_;
  std::string keyFile_;
  std::string clientCertFile_;
  std::string clientKeyFile_;
};

}  // namespace pointsman::test
