#include <pointsman/http/outgoing_request.hpp>

#include "http/header_bytes.hpp"

#include "http/http_token.hpp"


namespace pointsman::http {

namespace {

bool isFramingField(std::string_view name) {
  return sameToken(name, "content-length") || sameToken(name, "transfer-encoding");
}

/// Methods whose empty body needs no Content-Length to say so.
bool bodyIsOptional(std::string_view method) { return method == "GET" || method == "HEAD" || method == "DELETE"; }

}  // namespace

OutgoingRequest::OutgoingRequest(std::string_view method, std::string_view target)
    : method_(method), target_(target) {
  fields_.reserve(512);
}

void OutgoingRequest::add(std::string_view name, std::string_view value) {
  if (isFramingField(name)) return;
  fields_.append(name);
  fields_ += ": ";
  fields_.append(value);
  fields_ += "\r\n";
}

void OutgoingRequest::addLines(std::string_view lines) { fields_.append(lines); }

void OutgoingRequest::addHost(const Url& url) {
  fields_ += "Host: ";
  url.appendHostHeader(fields_);
  fields_ += "\r\n";
}

void OutgoingRequest::set(std::string_view name, std::string_view value) {
  if (isFramingField(name)) return;
  const auto first = findLine(name, 0);
  if (!first) {
    add(name, value);
    return;
  }

  // Later duplicates go first, so the offsets of the first line stay valid.
  for (auto later = findLine(name, first->end + 2); later; later = findLine(name, later->begin)) {
    fields_.erase(later->begin, later->end + 2 - later->begin);
  }
  fields_.replace(first->value, first->end - first->value, value);
}

std::optional<std::string_view> OutgoingRequest::field(std::string_view name) const {
  const auto line = findLine(name, 0);
  if (!line) return std::nullopt;
  return std::string_view(fields_).substr(line->value, line->end - line->value);
}

std::optional<OutgoingRequest::FieldLine> OutgoingRequest::findLine(std::string_view name, std::size_t from) const {
  const std::string_view fields(fields_);
  while (from < fields.size()) {
    const std::size_t end = fields.find("\r\n", from);
    const std::size_t colon = fields.find(':', from);
    if (sameToken(fields.substr(from, colon - from), name)) return FieldLine{from, colon + 2, end};
    from = end + 2;
  }
  return std::nullopt;
}

std::string OutgoingRequest::head() const {
  std::string out;
  out.reserve(method_.size() + target_.size() + fields_.size() + 48);
  out += method_;
  out += ' ';
  out += target_;
  out += " HTTP/1.1\r\n";
  out += fields_;

  const std::string& sent_body = body();
  if (!sent_body.empty() || !bodyIsOptional(method_)) {
    ContentLengthBuffer line;
    out += contentLengthLine(line, sent_body.size());
  }
  out += "\r\n";
  return out;
}

}  // namespace pointsman::http
