// The weimin-kiosk command: options, opening the station, and the kiosk, board or tour.
// Thread-safety: call once, from main.
#pragma once

namespace weimin::kiosk {

// weimin-kiosk --data DIR [--board] [--window N] [--size WxH] [--fullscreen] [--font FILE]
// weimin-kiosk --data DIR --board-on-second-display [--kiosk-display N]
// weimin-kiosk --tour OUT_DIR [--catalog FILE] [--size WxH]
// Returns the process exit code; errors go to standard error in plain words.
int kiosk_main(int argc, char** argv);

}  // namespace weimin::kiosk
