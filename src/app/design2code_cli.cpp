#include "app/design2code_cli.h"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "engines/design2code/design_input.h"
#include "engines/design2code/document.h"
#include "engines/design2code/framework_project.h"
#include "engines/design2code/html_generator.h"

namespace od::app {
namespace {

namespace fs = std::filesystem;
namespace d2c = od::design2code;

// Far above what the synchronous API accepts, yet small enough to read into memory safely.
constexpr std::uintmax_t kMaxInputBytes = 256u << 20;

std::string read_input(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) throw std::runtime_error("cannot read " + path + ": " + ec.message());
  if (size > kMaxInputBytes) {
    throw std::runtime_error(path + " is larger than " + std::to_string(kMaxInputBytes >> 20) +
                             " MiB");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in && !in.eof()) throw std::runtime_error("cannot read " + path);
  return buffer.str();
}

void write_files(const d2c::Files& files, const std::string& dir) {
  fs::create_directories(dir);
  for (const auto& [name, content] : files) {
    fs::path path = fs::path(dir) / name;
    fs::create_directories(path.parent_path());  // src/pages/... for the framework targets
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path.string());
  }
}

}  // namespace

int run_design2code(const Design2CodeArgs& args, std::ostream& out, std::ostream& err) {
  if (args.target != "html" && args.target != "react" && args.target != "vue") {
    err << "error: unknown target '" << args.target << "' (html, react or vue)\n";
    return 1;
  }
  try {
    // Canvas document or Figma JSON, told apart by content.
    d2c::Document doc = d2c::load_design_text(read_input(args.input));
    d2c::GenerateOptions options;
    options.frame = args.frame;
    d2c::Files files = args.target == "react" ? d2c::generate_react(doc, options)
                       : args.target == "vue" ? d2c::generate_vue(doc, options)
                                              : d2c::generate_html(doc, options);
    write_files(files, args.output_dir);
    for (const auto& [name, content] : files) {
      out << (fs::path(args.output_dir) / name).string() << "  " << content.size() << " bytes\n";
    }
    return 0;
  } catch (const d2c::InvalidDocument& e) {
    err << "error: " << args.input << " is not a valid canvas document or Figma file\n";
    for (const auto& issue : e.issues()) {
      err << "  " << (issue.path.empty() ? "/" : issue.path) << ": " << issue.message << "\n";
    }
    return 1;
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace od::app
