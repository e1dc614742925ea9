#include "counter/gui/case_print.h"

#include <string>

#include <QAbstractTextDocumentLayout>
#include <QFileInfo>
#include <QFont>
#include <QFontDatabase>
#include <QPageSize>
#include <QPainter>
#include <QPrinter>
#include <QStringList>
#include <QTextBlockFormat>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTextDocument>

#include "counter/gui/ticket_text.h"

namespace shop::queue::counter::gui {
namespace {

// Covers Latin, Cyrillic and Chinese: the summary is in the customer's
// language.
constexpr const char* kSummaryFamily = "Noto Sans CJK SC";

QFont SummaryFont(double point_size) {
  QFont font;
  if (QFontDatabase::families().contains(kSummaryFamily)) font.setFamily(kSummaryFamily);
  font.setPointSizeF(point_size);
  return font;
}

}  // namespace

bool PrintSummary(const v1::Case& sim_case, const QString& summary, QPrinter* printer) {
  QPainter painter;
  if (printer == nullptr || !painter.begin(printer)) return false;

  QTextDocument doc;
  doc.documentLayout()->setPaintDevice(printer);
  doc.setDefaultFont(SummaryFont(11));
  const QRectF page = printer->pageRect(QPrinter::DevicePixel);
  doc.setPageSize(page.size());

  QTextCursor cursor(&doc);
  QTextCharFormat title;
  title.setFont(SummaryFont(16));
  title.setFontWeight(QFont::Bold);
  QTextBlockFormat spaced;
  spaced.setBottomMargin(12);
  cursor.setBlockFormat(spaced);
  // The summary is in the customer's language (the server wrote it): its
  // first line (the shop) is the title, and nothing here adds words of
  // another language.
  QStringList lines = summary.split('\n');
  while (!lines.isEmpty() && lines.back().isEmpty()) lines.removeLast();
  const QString heading = lines.isEmpty() ? QString::number(sim_case.case_id()) : lines.takeFirst();
  cursor.insertText(heading, title);

  QTextCharFormat body;
  body.setFont(SummaryFont(11));
  // One paragraph per line of the summary: its line breaks are kept, long
  // lines wrap.
  for (const QString& line : lines) {
    cursor.insertBlock();
    cursor.insertText(line, body);
  }

  // When it was printed, in the branch's zone.
  QTextCharFormat small;
  small.setFont(SummaryFont(9));
  QTextBlockFormat above;
  above.setTopMargin(18);
  cursor.insertBlock(above);
  QString printed = LocalDateTime(Now(), sim_case.time_zone());
  if (!sim_case.time_zone().empty())
    printed += QString(" (%1)").arg(QString::fromStdString(sim_case.time_zone()));
  cursor.insertText(printed, small);

  // Page by page: each page shows its slice of the laid-out document.
  const double height = page.height();
  const int pages = doc.pageCount();
  for (int i = 0; i < pages; ++i) {
    if (i > 0 && !printer->newPage()) return false;
    painter.save();
    painter.translate(0, -i * height);
    doc.drawContents(&painter, QRectF(0, i * height, page.width(), height));
    painter.restore();
  }
  return painter.end();
}

bool SaveSummaryPdf(const v1::Case& sim_case, const QString& summary, const QString& path,
                    QString* error) {
  QPrinter printer(QPrinter::HighResolution);
  printer.setOutputFormat(QPrinter::PdfFormat);
  printer.setOutputFileName(path);
  printer.setPageSize(QPageSize(QPageSize::A4));
  printer.setDocName(QString("case-%1").arg(sim_case.case_id()));
  if (!PrintSummary(sim_case, summary, &printer)) {
    if (error != nullptr) *error = QString("could not write %1").arg(path);
    return false;
  }
  if (QFileInfo(path).size() <= 0) {
    if (error != nullptr) *error = QString("%1 is empty after writing").arg(path);
    return false;
  }
  return true;
}

}  // namespace shop::queue::counter::gui
