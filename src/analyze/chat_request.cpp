#include <pointsman/analyze/chat_request.hpp>

#include <array>
#include <utility>

namespace pointsman::analyze {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::array<std::pair<std::string_view, MessageRole>, 6> kRoles = {{
    {"system", MessageRole::System},
    {"developer", MessageRole::Developer},
    {"user", MessageRole::User},
    {"assistant", MessageRole::Assistant},
    {"tool", MessageRole::Tool},
    {"function", MessageRole::Function},
}};

MessageRole roleNamed(std::string_view name) {
  for (const auto& [role_name, role] : kRoles) {
    if (role_name == name) return role;
  }
  return MessageRole::Other;
}

// Appends the text of a `content` value: a string, or an array of parts where `text` parts carry
// text and `image_url` parts mark an image.
void appendContent(element content, std::string& text, bool& has_images) {
  std::string_view plain;
  if (!content.get_string().get(plain)) {
    text.append(plain);
    return;
  }
  array parts;
  if (content.get_array().get(parts)) return;
  for (element part : parts) {
    std::string_view type;
    if (part["type"].get_string().get(type)) continue;
    if (type == "image_url" || type == "input_image") {
      has_images = true;
      continue;
    }
    std::string_view part_text;
    if (!part["text"].get_string().get(part_text)) text.append(part_text);
  }
}

// Tool calls an assistant made are prompt tokens of the next request: their names and arguments
// count like text.
void appendToolCalls(object message, std::string& text) {
  array calls;
  if (message["tool_calls"].get_array().get(calls)) return;
  for (element call : calls) {
    std::string_view name;
    std::string_view arguments;
    if (!call["function"]["name"].get_string().get(name)) text.append(name).push_back(' ');
    if (!call["function"]["arguments"].get_string().get(arguments)) text.append(arguments);
  }
}

void readMessages(object body, ChatRequest& request) {
  array messages;
  if (body["messages"].get_array().get(messages)) return;
  request.messages.reserve(messages.size());
  for (element entry : messages) {
    object message;
    if (entry.get_object().get(message)) continue;
    MessageText out;
    std::string_view role;
    out.role = message["role"].get_string().get(role) ? MessageRole::Other : roleNamed(role);
    element content;
    if (!message["content"].get(content)) appendContent(content, out.text, request.has_images);
    appendToolCalls(message, out.text);
    request.messages.push_back(std::move(out));
  }
}

void readTools(object body, ChatRequest& request) {
  for (const char* field : {"tools", "functions"}) {
    array tools;
    if (body[field].get_array().get(tools) || tools.size() == 0) continue;
    request.has_tools = true;
    for (element tool : tools) request.tool_definitions.append(simdjson::minify(tool)).push_back('\n');
  }
}

void readOptions(object body, ChatRequest& request) {
  std::int64_t number = 0;
  if (!body["max_completion_tokens"].get_int64().get(number)) {
    request.max_tokens = number;
  } else if (!body["max_tokens"].get_int64().get(number)) {
    request.max_tokens = number;
  }
  if (!body["n"].get_int64().get(number) && number >= 1) request.choices = static_cast<int>(number);

  bool stream = false;
  if (!body["stream"].get_bool().get(stream)) request.stream = stream;

  std::string_view format;
  if (!body["response_format"]["type"].get_string().get(format)) {
    request.json_mode = format == "json_object" || format == "json_schema";
  }
}

}  // namespace

std::optional<ChatRequest> extractChatRequest(simdjson::dom::element document) {
  object body;
  if (document.get_object().get(body)) return std::nullopt;
  ChatRequest request;
  readMessages(body, request);
  readTools(body, request);
  readOptions(body, request);
  return request;
}

std::optional<ChatRequest> extractChatRequest(std::string_view body) {
  // One parser per thread: its buffers are reused, and the elements read here are copied out
  // before the thread parses again.
  thread_local simdjson::dom::parser parser;
  element document;
  if (parser.parse(body.data(), body.size()).get(document)) return std::nullopt;
  return extractChatRequest(document);
}

}  // namespace pointsman::analyze
