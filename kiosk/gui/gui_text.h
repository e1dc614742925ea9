// The touch screen's own words in Russian, English and Chinese (the slip's
// and the refusals' words come from common/client). One table, keyed by
// name, handed to QML as a map so the QML only binds.
//
// Thread-safety: pure; safe from any thread.
#pragma once

#include <QVariantMap>

#include "shop/queue/v1/resources.pb.h"

namespace shop::queue::kiosk::gui {

namespace v1 = ::shop::queue::v1;

// Every screen word in `language` (LANGUAGE_UNSPECIFIED: Russian), by key:
// welcome, touchToStart, chooseService, priorityButton, checkInButton, ...
QVariantMap ScreenTexts(v1::Language language);

}  // namespace shop::queue::kiosk::gui
