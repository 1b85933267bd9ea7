// weimin-kiosk: wires the station, the clock and the kiosk App together (kiosk/run.cpp holds
// the options and modes).
#include "weimin/kiosk/run.hpp"

int main(int argc, char** argv) {
  return weimin::kiosk::kiosk_main(argc, argv);
}
