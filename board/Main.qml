// The hall board: the newest call large (blinking for a few seconds), the
// calls before it, waiting counts per service, appointments due soon and
// devices that need staff. Binds to `board` (BoardModel); lays out only.
import QtQuick
import QtQuick.Window

Window {
    id: win
    width: 1280
    height: 720
    visible: true
    color: "#0d1b2a"
    title: "Board"

    // Sizes follow the screen's height (a TV or a window).
    readonly property real u: Math.max(height, 360) / 100
    readonly property color ink: "#f1f5f9"
    readonly property color dim: "#94a3b8"
    readonly property color accent: "#facc15"
    readonly property color panel: "#1b263b"

    Rectangle {
        id: header
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: 9 * u
        color: "#14213d"
        Text {
            anchors { left: parent.left; leftMargin: 2.5 * u; verticalCenter: parent.verticalCenter }
            text: board.branchName.length > 0 ? board.branchName : "Электронная очередь"
            color: ink
            font.pixelSize: 4 * u
            font.bold: true
            elide: Text.ElideRight
            width: parent.width * 0.6
        }
        Text {
            anchors { right: parent.right; rightMargin: 2.5 * u; verticalCenter: parent.verticalCenter }
            text: board.clock
            color: ink
            font.pixelSize: 4.5 * u
            font.bold: true
        }
    }

    // Connection trouble: the last known state stays below.
    Rectangle {
        id: banner
        objectName: "connectionBanner"
        visible: board.connectionState !== "connected"
        anchors { left: parent.left; right: parent.right; top: header.bottom }
        height: visible ? 6 * u : 0
        color: board.connectionState === "refused" ? "#991b1b" : "#b45309"
        Text {
            anchors.centerIn: parent
            color: "white"
            font.pixelSize: 3 * u
            font.bold: true
            text: board.connectionState === "reconnecting"
                  ? "Нет связи с сервером, переподключение…  ·  Reconnecting…"
                  : board.connectionState === "refused"
                    ? "Табло не допущено сервером: проверьте токен  ·  Board token refused"
                    : "Подключение…  ·  Connecting…"
        }
    }

    Item {
        id: content
        anchors { left: parent.left; right: parent.right; top: banner.bottom; bottom: faultBar.top }
        anchors.margins: 2 * u

        // Left: the calls.
        Column {
            id: callsColumn
            anchors { left: parent.left; top: parent.top; bottom: parent.bottom }
            width: parent.width * 0.6 - 1.5 * u
            spacing: 1.5 * u

            Text {
                text: "Вызов  ·  Now calling  ·  叫号"
                color: dim
                font.pixelSize: 3 * u
            }

            Rectangle {
                id: newest
                objectName: "newestCall"
                width: parent.width
                height: 26 * u
                radius: 1.5 * u
                color: panel
                border.color: accent
                border.width: board.newestBlinking ? 0.6 * u : 0
                property bool lit: false
                SequentialAnimation on lit {
                    running: board.newestBlinking
                    loops: Animation.Infinite
                    PropertyAction { value: true }
                    PauseAnimation { duration: 450 }
                    PropertyAction { value: false }
                    PauseAnimation { duration: 450 }
                    onRunningChanged: if (!running) newest.lit = false
                }
                Rectangle {
                    anchors.fill: parent
                    radius: parent.radius
                    color: accent
                    opacity: newest.lit ? 0.28 : 0
                }
                Row {
                    id: newestRow
                    anchors.centerIn: parent
                    spacing: 3 * u
                    visible: board.newestNumber.length > 0
                    // A long counter name shrinks the line rather than leave the panel.
                    scale: Math.min(1, (newest.width - 4 * u) / Math.max(1, implicitWidth))
                    Text {
                        text: board.newestNumber
                        color: accent
                        font.pixelSize: 16 * u
                        font.bold: true
                    }
                    Text {
                        text: "→"
                        color: ink
                        font.pixelSize: 12 * u
                        anchors.verticalCenter: parent.verticalCenter
                    }
                    Column {
                        anchors.verticalCenter: parent.verticalCenter
                        Text {
                            text: board.newestCounter
                            color: ink
                            font.pixelSize: 9 * u
                            font.bold: true
                        }
                        Text {
                            visible: board.newestRecall > 0
                            text: "повторный вызов · called again"
                            color: accent
                            font.pixelSize: 2.6 * u
                        }
                    }
                }
                Text {
                    anchors.centerIn: parent
                    visible: board.newestNumber.length === 0
                    text: "Ожидайте вызова  ·  Please wait for your number  ·  请等候叫号"
                    color: dim
                    font.pixelSize: 3 * u
                }
            }

            Repeater {
                model: board.calls.slice(0, Math.max(0, Math.floor((callsColumn.height - 34 * u) / (7.5 * u))))
                delegate: Rectangle {
                    width: callsColumn.width
                    height: 6.5 * u
                    radius: 0.8 * u
                    color: panel
                    Text {
                        anchors { left: parent.left; leftMargin: 2 * u; verticalCenter: parent.verticalCenter }
                        text: modelData.number
                        color: ink
                        font.pixelSize: 4.5 * u
                        font.bold: true
                    }
                    Text {
                        anchors { left: parent.left; leftMargin: parent.width * 0.3; verticalCenter: parent.verticalCenter }
                        text: "→  " + modelData.counter + (modelData.recall > 0 ? "   ↻" : "")
                        color: ink
                        font.pixelSize: 4 * u
                    }
                    Text {
                        anchors { right: parent.right; rightMargin: 2 * u; verticalCenter: parent.verticalCenter }
                        text: modelData.time
                        color: dim
                        font.pixelSize: 3 * u
                    }
                }
            }
        }

        // Right: waiting counts and appointments.
        Column {
            id: side
            anchors { right: parent.right; top: parent.top; bottom: parent.bottom }
            width: parent.width * 0.4 - 1.5 * u
            spacing: 1.2 * u

            Text {
                text: "В очереди  ·  Waiting  ·  等候人数"
                color: dim
                font.pixelSize: 3 * u
            }
            Repeater {
                model: board.waiting
                delegate: Rectangle {
                    width: side.width
                    height: 7.5 * u
                    radius: 0.8 * u
                    color: panel
                    Text {
                        id: prefix
                        anchors { left: parent.left; leftMargin: 1.8 * u; verticalCenter: parent.verticalCenter }
                        text: modelData.prefix
                        color: accent
                        font.pixelSize: 4.5 * u
                        font.bold: true
                    }
                    Column {
                        anchors { left: prefix.right; leftMargin: 1.8 * u; right: count.left; rightMargin: u
                                  verticalCenter: parent.verticalCenter }
                        Text {
                            width: parent.width
                            text: modelData.name
                            color: ink
                            font.pixelSize: 2.8 * u
                            elide: Text.ElideRight
                        }
                        Text {
                            width: parent.width
                            visible: text.length > 0
                            text: modelData.nameEn + (modelData.nameZh.length > 0 ? "  ·  " + modelData.nameZh : "")
                            color: dim
                            font.pixelSize: 2.1 * u
                            elide: Text.ElideRight
                        }
                    }
                    Text {
                        id: count
                        anchors { right: parent.right; rightMargin: 2 * u; verticalCenter: parent.verticalCenter }
                        text: modelData.count
                        color: ink
                        font.pixelSize: 4.5 * u
                        font.bold: true
                    }
                }
            }

            Item { width: 1; height: u }
            Text {
                visible: board.due.length > 0
                text: "По записи  ·  Appointments  ·  预约"
                color: dim
                font.pixelSize: 3 * u
            }
            Repeater {
                model: board.due
                delegate: Rectangle {
                    width: side.width
                    height: 5.5 * u
                    radius: 0.8 * u
                    color: panel
                    Text {
                        anchors { left: parent.left; leftMargin: 1.8 * u; verticalCenter: parent.verticalCenter }
                        text: modelData.number
                        color: ink
                        font.pixelSize: 3.6 * u
                        font.bold: true
                    }
                    Text {
                        anchors { right: parent.right; rightMargin: 2 * u; verticalCenter: parent.verticalCenter }
                        text: modelData.time
                        color: modelData.overdue ? accent : ink
                        font.pixelSize: 3.6 * u
                    }
                }
            }
        }
    }

    // Devices that need staff.
    Rectangle {
        id: faultBar
        objectName: "faultBar"
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: board.faults.length > 0 ? 5.5 * u : 0
        visible: board.faults.length > 0
        color: "#7f1d1d"
        Text {
            anchors { left: parent.left; leftMargin: 2.5 * u; right: parent.right; rightMargin: 2.5 * u
                      verticalCenter: parent.verticalCenter }
            text: "⚠ Нужен сотрудник · Staff needed: " + board.faults.join("   ·   ")
            color: "white"
            font.pixelSize: 2.6 * u
            elide: Text.ElideRight
        }
    }
}
