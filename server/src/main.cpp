#include <iostream>

#include "weimin/server/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return weimin::server::run_district_cli(args, {std::cin, std::cout, std::cerr});
}
