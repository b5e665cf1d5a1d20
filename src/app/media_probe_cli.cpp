#include "app/media_probe_cli.h"

#include <sstream>

#include "media/render.h"

namespace od::app {

CLI::App* add_media_probe_command(CLI::App& cli, MediaProbeCli& o) {
  auto* command = cli.add_subcommand("media-probe", "(internal) decode one media file, bounded");
  command->group("");  // hidden from --help
  command->add_option("--input", o.args.input)->required();
  command->add_option("--output-dir", o.args.output_dir)->required();
  command->add_option("--kind", o.args.kind)->required();
  command->add_option("--max-pixels", o.args.max_pixels);
  command->add_option("--memory-mb", o.args.memory_mb);
  command->add_option("--cpu-seconds", o.args.cpu_seconds);
  command->add_option("--parent-pid", o.args.parent_pid);
  command->add_option("--sizes", o.sizes);
  command->add_option("--render", o.render);
  command->add_option("--fit", o.fit);
  command->add_option("--format", o.format);
  return command;
}

int run_media_probe_command(const MediaProbeCli& o) {
  media::ProbeArgs args = o.args;
  std::stringstream list(o.sizes);
  std::string item;
  while (std::getline(list, item, ',')) args.thumbnail_sizes.push_back(std::stoi(item));
  if (!o.render.empty()) {
    auto box = media::parse_box(o.render);
    auto fit = media::parse_fit(o.fit);
    auto format = media::format_from_extension(o.format);
    if (!box || !fit || !format) return 2;
    args.render = media::RenderSpec{box->first, box->second, *fit, *format};
  }
  return media::run_media_probe(args);
}

}  // namespace od::app
