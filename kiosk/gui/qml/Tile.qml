// A big touch button: a title, an optional second line, a colour.
import QtQuick

Rectangle {
    id: tile
    property string title
    property string subtitle
    property color tint: "#1565c0"
    property int titleSize: 34
    signal tapped()
    radius: 16
    color: area.pressed ? Qt.darker(tint, 1.3) : tint
    opacity: enabled ? 1.0 : 0.5

    Column {
        anchors.centerIn: parent
        width: parent.width - 24
        spacing: 6
        Text {
            width: parent.width
            text: tile.title
            color: "white"
            font.pixelSize: tile.titleSize
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            visible: tile.subtitle.length > 0
            text: tile.subtitle
            color: "#e3f2fd"
            font.pixelSize: Math.round(tile.titleSize * 0.65)
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
    }
    MouseArea {
        id: area
        anchors.fill: parent
        onClicked: tile.tapped()
    }
}
