#include <pointsman/http/upstream_response_parser.hpp>

#include <boost/beast/core/string.hpp>

namespace pointsman::http {
namespace beast = boost::beast;

std::optional<std::string_view> UpstreamResponseParser::field(std::string_view name) const {
  const std::string_view bytes = field_bytes_;
  for (const auto& span : fields_) {
    if (boost::beast::iequals(bytes.substr(span.name_begin, span.name_size), name)) {
      return bytes.substr(span.value_begin, span.value_size);
    }
  }
  return std::nullopt;
}

void UpstreamResponseParser::on_request_impl(beast::http::verb, beast::string_view, beast::string_view, int,
                                             beast::error_code&) {
  // basic_parser<false> reads only status lines, so this is never called.
}

void UpstreamResponseParser::on_response_impl(int code, beast::string_view, int, beast::error_code&) {
  status_ = static_cast<unsigned>(code);
  // Room for a typical response header, so its fields take two allocations in all.
  field_bytes_.reserve(512);
  fields_.reserve(16);
}

void UpstreamResponseParser::on_field_impl(beast::http::field, beast::string_view name, beast::string_view value,
                                           beast::error_code&) {
  // The header limit (64 KB) keeps every offset far below 2^32.
  FieldSpan span;
  span.name_begin = static_cast<std::uint32_t>(field_bytes_.size());
  span.name_size = static_cast<std::uint32_t>(name.size());
  field_bytes_.append(name.data(), name.size());
  span.value_begin = static_cast<std::uint32_t>(field_bytes_.size());
  span.value_size = static_cast<std::uint32_t>(value.size());
  field_bytes_.append(value.data(), value.size());
  fields_.push_back(span);
}

void UpstreamResponseParser::on_header_impl(beast::error_code&) {}

void UpstreamResponseParser::on_body_init_impl(const boost::optional<std::uint64_t>&, beast::error_code&) {}

std::size_t UpstreamResponseParser::on_body_impl(beast::string_view body, beast::error_code&) {
  return appendBody(body);
}

void UpstreamResponseParser::on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) {}

std::size_t UpstreamResponseParser::on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) {
  return appendBody(body);
}

void UpstreamResponseParser::on_finish_impl(beast::error_code&) {}

std::size_t UpstreamResponseParser::appendBody(beast::string_view body) {
  if (body_sink_ != nullptr) body_sink_->append(body.data(), body.size());
  return body.size();
}

}  // namespace pointsman::http
