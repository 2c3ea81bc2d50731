#pragma once

// The parser of an upstream's response. Beast's response_parser stores each header field in its
// own allocation in a searchable list, and its buffer body hands the payload over through a
// bounce buffer. An upstream response is read once and only a few of its fields are looked up, so
// this parser keeps the fields in one string and appends the body straight to the caller's string.

#include <boost/beast/http/basic_parser.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::http {

class UpstreamResponseParser : public boost::beast::http::basic_parser<false> {
 public:
  [[nodiscard]] unsigned status() const { return status_; }

  /// Returns the value of the first field named `name` (any case), or nullopt when it is absent.
  [[nodiscard]] std::optional<std::string_view> field(std::string_view name) const;

  /// Sets where body bytes go: they are appended to `sink`. Bytes parsed without a sink are
  /// dropped, which only happens if a caller parses a body it does not read.
  void setBodySink(std::string* sink) { body_sink_ = sink; }

 private:
  struct FieldSpan {
    std::uint32_t name_begin = 0;
    std::uint32_t name_size = 0;
    std::uint32_t value_begin = 0;
    std::uint32_t value_size = 0;
  };

  void on_request_impl(boost::beast::http::verb method, boost::beast::string_view method_text,
                       boost::beast::string_view target, int version, boost::beast::error_code& error) override;
  void on_response_impl(int code, boost::beast::string_view reason, int version,
                        boost::beast::error_code& error) override;
  void on_field_impl(boost::beast::http::field known, boost::beast::string_view name,
                     boost::beast::string_view value, boost::beast::error_code& error) override;
  void on_header_impl(boost::beast::error_code& error) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         boost::beast::error_code& error) override;
  std::size_t on_body_impl(boost::beast::string_view body, boost::beast::error_code& error) override;
  void on_chunk_header_impl(std::uint64_t size, boost::beast::string_view extensions,
                            boost::beast::error_code& error) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, boost::beast::string_view body,
                                 boost::beast::error_code& error) override;
  void on_finish_impl(boost::beast::error_code& error) override;

  std::size_t appendBody(boost::beast::string_view body);

  unsigned status_ = 0;
  /// Every field's name and value, one after another. `fields_` records where each starts.
  std::string field_bytes_;
  std::vector<FieldSpan> fields_;
  std::string* body_sink_ = nullptr;
};

}  // namespace pointsman::http
