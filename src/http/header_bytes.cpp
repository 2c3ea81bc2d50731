#include "http/header_bytes.hpp"

namespace pointsman::http {
namespace bhttp = boost::beast::http;

namespace {

void appendView(std::string& out, boost::beast::string_view text) {
  out.append(text.data(), text.size());
}

void appendVersion(std::string& out, unsigned version) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

/// Appends every field and the blank line that ends the header.
void appendFields(std::string& out, const bhttp::fields& fields) {
  for (const auto& field : fields) {
    appendView(out, field.name_string());
    out += ": ";
    appendView(out, field.value());
    out += "\r\n";
  }
  out += "\r\n";
}

std::size_t fieldBytes(const bhttp::fields& fields) {
  std::size_t bytes = 2;
  for (const auto& field : fields) bytes += field.name_string().size() + field.value().size() + 4;
  return bytes;
}

}  // namespace

std::string headerBytes(const bhttp::request_header<>& header) {
  const auto method = header.method_string();
  const auto target = header.target();
  std::string out;
  out.reserve(method.size() + target.size() + 12 + fieldBytes(header));
  appendView(out, method);
  out += ' ';
  appendView(out, target);
  out += ' ';
  appendVersion(out, header.version());
  out += "\r\n";
  appendFields(out, header);
  return out;
}

std::string headerBytes(const bhttp::response_header<>& header) {
  const auto reason = header.reason();
  std::string out;
  out.reserve(reason.size() + 16 + fieldBytes(header));
  appendVersion(out, header.version());
  out += ' ';
  const unsigned status = header.result_int();
  out += static_cast<char>('0' + status / 100 % 10);
  out += static_cast<char>('0' + status / 10 % 10);
  out += static_cast<char>('0' + status % 10);
  out += ' ';
  appendView(out, reason);
  out += "\r\n";
  appendFields(out, header);
  return out;
}

}  // namespace pointsman::http
