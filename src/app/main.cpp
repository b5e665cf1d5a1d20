// `opendesign`: the server and its admin commands (see README "CLI").
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/application.h"
#include "app/backup.h"
#include "app/design2code_cli.h"
#include "app/image2code_child.h"
#include "app/image2code_cli.h"
#include "app/media_probe_cli.h"
#include "core/error.h"
#include "core/log.h"

namespace {

using od::app::Config;

// Adds every config setting as a --flag of `command`; values land in `flags` only when given,
// so the environment and the config file still apply to the rest.
void add_config_flags(CLI::App& command, std::map<std::string, std::string>& flags,
                      std::string& config_file) {
  for (const auto& key : od::app::config_keys()) {
    std::string name = key.name;
    command.add_option_function<std::string>(
        "--" + name, [&flags, name](const std::string& value) { flags[name] = value; }, key.help);
  }
  command.add_option("--config", config_file, "JSON config file (keys as the flag names)");
}

void print_user(const od::auth::User& user) {
  std::cout << user.id << "  " << user.email << "  " << user.role << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Open Design Server: the backend of an AI design-to-code platform"};
  cli.require_subcommand(1);
  std::map<std::string, std::string> flags;
  std::string config_file;

  auto* serve = cli.add_subcommand("serve", "Run the HTTP server");
  add_config_flags(*serve, flags, config_file);
  auto* worker = cli.add_subcommand(
      "worker", "Run only the job workers and webhook deliveries (no HTTP), e.g. on PostgreSQL");
  add_config_flags(*worker, flags, config_file);
  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  add_config_flags(*migrate, flags, config_file);

  auto* user = cli.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  std::string email, password, role = "user";
  auto* user_create = user->add_subcommand("create", "Create an account");
  user_create->add_option("--email", email, "email address")->required();
  user_create->add_option("--password", password, "password (or OPENDESIGN_PASSWORD)");
  user_create->add_option("--role", role, "user, designer or admin");
  add_config_flags(*user_create, flags, config_file);
  auto* user_role = user->add_subcommand("set-role", "Change an account's role");
  user_role->add_option("--email", email, "email address")->required();
  user_role->add_option("--role", role, "user, designer or admin")->required();
  add_config_flags(*user_role, flags, config_file);
  auto* user_list = user->add_subcommand("list", "List accounts");
  add_config_flags(*user_list, flags, config_file);

  std::string archive;
  auto* backup = cli.add_subcommand("backup", "Write a consistent snapshot of the data to a file");
  backup->add_option("file", archive, "archive to write (.zip)")->required();
  add_config_flags(*backup, flags, config_file);
  auto* restore = cli.add_subcommand("restore", "Restore a backup into an empty data directory");
  restore->add_option("file", archive, "archive written by backup")->required();
  add_config_flags(*restore, flags, config_file);

  od::app::Design2CodeArgs d2c_args;
  auto* d2c = cli.add_subcommand("design2code", "Compile a canvas document into code");
  d2c->add_option("design", d2c_args.input, "canvas document (.json)")->required();
  d2c->add_option("--target", d2c_args.target, "html, react or vue");
  d2c->add_option("-o,--output", d2c_args.output_dir, "directory to write")->required();
  d2c->add_option("--frame", d2c_args.frame,
                  "id or name of the top-level frame (or component) to compile");

  od::app::Image2CodeArgs i2c_args;
  auto* i2c = cli.add_subcommand("image2code", "Turn a screenshot into a canvas document and code");
  i2c->add_option("screenshot", i2c_args.input, "PNG, JPEG or WebP picture")->required();
  i2c->add_option("--target", i2c_args.target, "html or canvas");
  i2c->add_option("-o,--output", i2c_args.output_dir, "directory to write")->required();
  i2c->add_flag("--timings", i2c_args.timings, "print each stage's time");

  cli.add_subcommand("version", "Print the version");
  od::app::MediaProbeCli media_probe_options;
  auto* media_probe = od::app::add_media_probe_command(cli, media_probe_options);
  od::app::Image2CodeChildArgs i2c_child_args;
  auto* i2c_child = od::app::add_image2code_child_command(cli, i2c_child_args);

  CLI11_PARSE(cli, argc, argv);

  try {
    // Needs no configuration, database or server: a pure compile of one file.
    if (d2c->parsed()) return od::app::run_design2code(d2c_args, std::cout, std::cerr);
    if (i2c->parsed()) return od::app::run_image2code(i2c_args, std::cout, std::cerr);
    // The bounded child of media processing: no configuration, database or server either.
    if (media_probe->parsed()) return od::app::run_media_probe_command(media_probe_options);
    if (i2c_child->parsed()) return od::app::run_image2code_child(i2c_child_args);
    if (cli.got_subcommand("version")) {
      std::cout << "opendesign " << OD_VERSION << "\n";
      return 0;
    }
    Config config = od::app::resolve_config(flags, config_file);
    if (restore->parsed()) {
      od::app::restore_backup(config, archive);
      std::cout << "restored " << archive << " into " << config.data_dir << "\n";
      return 0;
    }
    // Before any thread starts.
    if (serve->parsed() || worker->parsed()) od::app::block_shutdown_signals();
    od::app::Application app(config);
    if (serve->parsed()) return app.serve();
    if (worker->parsed()) return app.run_workers();
    if (migrate->parsed()) {
      std::cout << "schema version " << app.database().schema_version() << "\n";
      return 0;
    }
    if (backup->parsed()) {
      od::app::write_backup(app, archive);
      std::cout << "wrote " << archive << "\n";
      return 0;
    }
    if (user_create->parsed()) {
      if (password.empty()) {
        if (const char* env = std::getenv("OPENDESIGN_PASSWORD")) password = env;
      }
      if (password.empty())
        throw std::invalid_argument("--password or OPENDESIGN_PASSWORD is required");
      print_user(app.accounts().create_user(email, password, role));
      return 0;
    }
    if (user_role->parsed()) {
      print_user(app.accounts().set_role_by_email(email, role));
      return 0;
    }
    if (user_list->parsed()) {
      std::string after;
      while (true) {
        auto users = app.accounts().list_all_users(after, 100);
        for (const auto& u : users) print_user(u);
        if (users.size() < 100) break;
        after = users.back().id;
      }
      return 0;
    }
  } catch (const od::ApiError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
