#include "app/image2code_cli.h"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "engines/design2code/document.h"
#include "engines/design2code/framework_project.h"
#include "engines/design2code/html_generator.h"
#include "engines/image2code/pipeline.h"

namespace od::app {
namespace {

namespace fs = std::filesystem;
namespace d2c = od::design2code;
namespace i2c = od::image2code;

std::string read_picture(const std::string& path, size_t limit) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) throw std::runtime_error("cannot read " + path + ": " + ec.message());
  if (size > limit)
    throw i2c::ImageError("the file is larger than " + std::to_string(limit >> 20) + " MiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in && !in.eof()) throw std::runtime_error("cannot read " + path);
  return buffer.str();
}

void write_file(const fs::path& path, const std::string& content, std::ostream& out) {
  fs::create_directories(path.parent_path());
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << content;
  file.close();
  if (!file) throw std::runtime_error("cannot write " + path.string());
  out << path.string() << "  " << content.size() << " bytes\n";
}

}  // namespace

int run_image2code(const Image2CodeArgs& args, std::ostream& out, std::ostream& err) {
  if (args.target != "html" && args.target != "react" && args.target != "vue" &&
      args.target != "canvas") {
    err << "error: unknown target '" << args.target << "' (html, react, vue or canvas)\n";
    return 1;
  }
  try {
    i2c::Image2CodeOptions options;
    options.canvas.name = fs::path(args.input).stem().string();
    i2c::Image2CodeResult result =
        i2c::image_to_canvas(read_picture(args.input, options.limits.max_bytes), options);
    fs::path dir(args.output_dir);
    write_file(dir / "design.json", result.document.dump(1), out);
    for (const auto& [name, png] : result.assets) write_file(dir / "assets" / name, png, out);
    if (args.target != "canvas") {
      // One path to code: the same engine that compiles documents drawn in the editor.
      d2c::Document doc = d2c::parse_document(result.document);
      d2c::Files files = args.target == "react" ? d2c::generate_react(doc)
                         : args.target == "vue" ? d2c::generate_vue(doc)
                                                : d2c::generate_html(doc);
      for (const auto& [name, content] : files) write_file(dir / name, content, out);
    }
    if (args.timings) {
      double total = 0, total_cpu = 0;
      for (const auto& t : result.timings) {
        err << "stage " << t.stage << " " << t.milliseconds << " ms (cpu " << t.cpu_milliseconds
            << " ms)\n";
        total += t.milliseconds;
        total_cpu += t.cpu_milliseconds;
      }
      err << "total " << total << " ms (cpu " << total_cpu << " ms) for " << result.width << " x "
          << result.height << " px\n";
    }
    return 0;
  } catch (const i2c::ImageError& e) {
    err << "error: " << args.input << ": " << e.what() << "\n";
    return 1;
  } catch (const d2c::InvalidDocument& e) {
    // The engine's own output failing the schema is a bug; say where.
    err << "error: the generated canvas document is invalid\n";
    for (const auto& issue : e.issues()) err << "  " << issue.path << ": " << issue.message << "\n";
    return 1;
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace od::app
