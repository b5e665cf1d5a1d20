# Writes OUTPUT, a C++ source defining `std::string_view SYMBOL()` that returns the text of INPUT,
# so documents such as the OpenAPI description ship inside the binary.
file(READ ${INPUT} text)
file(WRITE ${OUTPUT}.tmp "// Generated from ${INPUT} by cmake/embed_text.cmake. Do not edit.\n#include <string_view>\n\nnamespace od {\n\nstd::string_view ${SYMBOL}() {\n  static constexpr std::string_view text = R\"od_text(${text})od_text\";\n  return text;\n}\n\n}  // namespace od\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
