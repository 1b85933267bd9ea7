#include <iostream>

#include "weimin/cli/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return weimin::cli::run_cli(args, {std::cin, std::cout, std::cerr});
}
