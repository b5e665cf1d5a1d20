#include "app/image2code_child.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <new>
#include <nlohmann/json.hpp>

#include "engines/image2code/pipeline.h"
#include "media/bounded_process.h"

namespace od::app {
namespace {

namespace fs = std::filesystem;
namespace i2c = od::image2code;
using nlohmann::json;

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out.flush()) throw std::runtime_error("cannot write " + path.filename().string());
}

int refuse(const fs::path& dir, int status, const std::string& code, const std::string& message) {
  write_file(dir / "result.json", json{{"error", {{"code", code}, {"message", message}}}}.dump());
  return status;
}

}  // namespace

CLI::App* add_image2code_child_command(CLI::App& cli, Image2CodeChildArgs& args) {
  auto* command =
      cli.add_subcommand("image2code-child", "(internal) run the screenshot engine, bounded");
  command->group("");  // hidden from --help
  command->add_option("--input", args.input)->required();
  command->add_option("--output-dir", args.output_dir)->required();
  command->add_option("--memory-mb", args.memory_mb);
  command->add_option("--cpu-seconds", args.cpu_seconds);
  command->add_option("--parent-pid", args.parent_pid);
  return command;
}

int run_image2code_child(const Image2CodeChildArgs& args) {
  if (!media::die_with_parent(args.parent_pid)) return 6;
  // Before the first byte of input: whatever the picture does, it does inside these bounds.
  media::limit_this_process(args.memory_mb, args.cpu_seconds);
  fs::path dir(args.output_dir);
  try {
    std::string bytes;
    {
      std::ifstream in(args.input, std::ios::binary);
      if (!in) return refuse(dir, 3, "invalid_image", "The picture cannot be opened.");
      bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    auto progress = [](std::string_view stage, int done, int total) {
      std::cout << "stage " << stage << " " << done << "/" << total << std::endl;  // flushed
    };
    i2c::Image2CodeResult result = i2c::image_to_canvas(bytes, {}, progress);
    bytes.clear();
    fs::create_directory(dir / "assets");
    json names = json::array();
    for (const auto& [name, png] : result.assets) {
      write_file(dir / "assets" / name, png);
      names.push_back(name);
    }
    write_file(dir / "design.json", result.document.dump());
    write_file(dir / "result.json",
               json{{"width", result.width}, {"height", result.height}, {"assets", names}}.dump());
    return 0;
  } catch (const i2c::ImageError& e) {
    return refuse(dir, 3, "invalid_image", std::string("The picture was refused: ") + e.what());
  } catch (const std::bad_alloc&) {
    return refuse(dir, 3, "image_too_complex",
                  "The picture needs more memory than a screenshot job may use.");
  } catch (const std::exception& e) {
    return refuse(dir, 5, "engine_failed", e.what());
  }
}

}  // namespace od::app
