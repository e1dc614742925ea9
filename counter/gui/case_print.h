// The case summary on paper: the text CloseCase returned (already in the
// customer's language where one is known) laid out as a page, printed on
// the office printer (QPrinter, the system's print dialog) or saved as PDF.
#pragma once

#include <QString>

#include "shop/queue/v1/case_service.pb.h"

class QPrinter;
class QWidget;

namespace shop::queue::counter::gui {

// Draws the summary onto `printer` (any QPrinter: a PDF file or a device).
// Returns false if the page could not be started.
bool PrintSummary(const v1::Case& sim_case, const QString& summary, QPrinter* printer);
// Saves the summary as a PDF at `path`; false with *error on failure.
bool SaveSummaryPdf(const v1::Case& sim_case, const QString& summary, const QString& path,
                    QString* error);

}  // namespace shop::queue::counter::gui
