#include "support/test_certificates.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "support/process_support.hpp"

namespace pointsman::test {

TestCertificates::TestCertificates() {
  directory_ = makeTemporaryDirectory("pointsman-tls");
  caFile_ = directory_ + "/ca.pem";
  certFile_ = directory_ + "/server.pem";
  keyFile_ = directory_ + "/server.key";
  {
    std::ofstream extensions(directory_ + "/server.ext");
    extensions << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                  "basicConstraints=CA:FALSE\n"
                  "keyUsage=digitalSignature,keyEncipherment\n"
                  "extendedKeyUsage=serverAuth\n";
  }
  // EC keys keep generation fast; the certificates live only as long as this object.
  const std::string ecKey = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  run("openssl req -x509 " + ecKey +
      " -keyout ca.key -out ca.pem -days 2 -subj '/CN=Pointsman Test CA'");
  run("openssl req " + ecKey + " -keyout server.key -out server.csr -subj '/CN=127.0.0.1'");
  run("openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem "
      "-days 2 -extfile server.ext");

  // A client certificate from the same CA, for upstreams that require one (mTLS).
  clientCertFile_ = directory_ + "/client.pem";
  clientKeyFile_ = directory_ + "/client.key";
  {
    std::ofstream extensions(directory_ + "/client.ext");
    extensions << "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n";
  }
  run("openssl req " + ecKey + " -keyout client.key -out client.csr -subj '/CN=pointsman-gateway'");
  run("openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem "
      "-days 2 -extfile client.ext");
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

void TestCertificates::run(const std::string& command) const {
  std::string logFile = directory_ + "/openssl.log";
  std::string full = "cd '" + directory_ + "' && " + command + " >>'" + logFile + "' 2>&1";
  if (std::system(full.c_str()) != 0) {
    throw std::runtime_error("openssl command failed: " + command + "\n" + readFile(logFile));
  }
}

}  // namespace pointsman::test
