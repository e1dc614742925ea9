// The protobuf messages and the slip text that cross threads in queued
// signals between KioskModel and the workers. Included by every header
// whose signals carry them, before moc needs them.
#pragma once

#include <QMetaType>

#include "kiosk/slip.h"
#include "shop/queue/v1/kiosk_service.pb.h"

Q_DECLARE_METATYPE(shop::queue::v1::Branch)
Q_DECLARE_METATYPE(shop::queue::v1::Service)
Q_DECLARE_METATYPE(shop::queue::v1::CreateTicketResponse)
Q_DECLARE_METATYPE(google::protobuf::Timestamp)
Q_DECLARE_METATYPE(shop::queue::kiosk::SlipParts)
