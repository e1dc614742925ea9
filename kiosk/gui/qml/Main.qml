// kiosk-gui's screens. Layout and bindings only: every word, number and
// decision comes from the C++ model `kiosk` (kiosk/gui/kiosk_model.h).
import QtQuick

Rectangle {
    id: root
    width: 1280
    height: 800
    color: "#f5f7fa"
    readonly property var t: kiosk.texts

    // The branch's name on every screen but the out-of-service one.
    Rectangle {
        id: bar
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: 80
        color: "#0d47a1"
        visible: kiosk.screen !== "out-of-service"
        Text {
            anchors { left: parent.left; leftMargin: 32; verticalCenter: parent.verticalCenter }
            text: kiosk.branchName
            color: "white"
            font.pixelSize: 34
            font.bold: true
        }
        // What the customer chose for the next ticket: priority, the SMS number (masked).
        Row {
            anchors { right: parent.right; rightMargin: 32; verticalCenter: parent.verticalCenter }
            spacing: 32
            visible: kiosk.screen === "services"
            Text {
                visible: kiosk.priorityText.length > 0
                text: root.t.priorityChosen + root.t.separator + kiosk.priorityText
                color: "#ffeb3b"
                font.pixelSize: 26
            }
            Text {
                objectName: "phoneNote"
                visible: kiosk.phoneSaved
                text: "✉ " + kiosk.phoneNote
                color: "#ffeb3b"
                font.pixelSize: 26
            }
        }
    }

    Item {
        id: page
        anchors { left: parent.left; right: parent.right; top: bar.bottom; bottom: parent.bottom
                  margins: 32 }

        // --- start: three languages ------------------------------------
        Column {
            objectName: "startScreen"
            visible: kiosk.screen === "start"
            anchors.centerIn: parent
            spacing: 40
            Text {
                anchors.horizontalCenter: parent.horizontalCenter
                text: ["ru", "en", "zh"].map(l => kiosk.textsIn(l).welcome).join(" · ")
                font.pixelSize: 48
                font.bold: true
                color: "#0d47a1"
            }
            Text {
                anchors.horizontalCenter: parent.horizontalCenter
                text: ["ru", "en", "zh"].map(l => kiosk.textsIn(l).chooseLanguage).join(" · ")
                font.pixelSize: 30
                color: "#37474f"
            }
            Row {
                anchors.horizontalCenter: parent.horizontalCenter
                spacing: 32
                Repeater {
                    model: [ { code: "ru", name: "Русский" }, { code: "en", name: "English" },
                             { code: "zh", name: "中文" } ]
                    Tile {
                        objectName: "lang_" + modelData.code
                        width: 300; height: 200
                        title: modelData.name
                        titleSize: 48
                        onTapped: kiosk.chooseLanguage(modelData.code)
                    }
                }
            }
        }

        // --- services --------------------------------------------------
        Item {
            objectName: "servicesScreen"
            visible: kiosk.screen === "services"
            anchors.fill: parent
            Text {
                id: servicesTitle
                text: kiosk.branchOpen ? root.t.chooseService
                                       : root.t.branchClosed + (kiosk.opensText.length > 0
                                                                ? ". " + kiosk.opensText : "")
                font.pixelSize: 40
                font.bold: true
                color: kiosk.branchOpen ? "#0d47a1" : "#b71c1c"
            }
            Grid {
                id: grid
                anchors { top: servicesTitle.bottom; topMargin: 24; left: parent.left; right: parent.right }
                columns: 2
                spacing: 24
                Repeater {
                    model: kiosk.services
                    Tile {
                        objectName: "service_" + modelData.prefix
                        width: (grid.width - grid.spacing) / 2
                        height: 150
                        enabled: kiosk.branchOpen && !kiosk.busy
                        tint: modelData.counterOpen ? "#1565c0" : "#607d8b"
                        title: modelData.prefix + " · " + modelData.name
                        subtitle: root.t.waiting + root.t.separator + modelData.waiting + "   "
                                  + root.t.wait + root.t.separator + modelData.waitText
                                  + (modelData.counterOpen ? "" : "\n" + root.t.noCounter)
                        onTapped: kiosk.takeTicket(modelData.prefix)
                    }
                }
            }
            Text {
                anchors { bottom: buttons.top; bottomMargin: 16; left: parent.left; right: parent.right }
                visible: kiosk.errorText.length > 0
                text: kiosk.errorText
                color: "#b71c1c"
                font.pixelSize: 28
                wrapMode: Text.WordWrap
            }
            // Four buttons; "Back" is short in every language, the others share the rest.
            Row {
                id: buttons
                anchors { bottom: parent.bottom; left: parent.left; right: parent.right }
                spacing: 24
                readonly property int backWidth: 180
                readonly property int tiles: kiosk.smsAvailable ? 3 : 2
                readonly property int wide: (width - backWidth - tiles * spacing) / tiles
                Tile {
                    objectName: "priorityButton"
                    width: buttons.wide; height: 120; titleSize: 25
                    tint: "#6a1b9a"
                    title: root.t.priorityButton
                    onTapped: kiosk.showPriority()
                }
                Tile {
                    objectName: "checkInButton"
                    width: buttons.wide; height: 120; titleSize: 25
                    tint: "#2e7d32"
                    title: root.t.checkInButton
                    onTapped: kiosk.showCheckIn()
                }
                Tile {
                    objectName: "smsButton"
                    visible: kiosk.smsAvailable
                    width: buttons.wide; height: 120; titleSize: 25
                    tint: "#00838f"
                    title: "✉ " + (kiosk.phoneSaved ? root.t.smsButtonSaved : root.t.smsButton)
                    onTapped: kiosk.showPhone()
                }
                Tile {
                    objectName: "backButton"
                    width: buttons.backWidth; height: 120; titleSize: 25
                    tint: "#546e7a"
                    title: root.t.back
                    onTapped: kiosk.back()
                }
            }
        }

        // --- phone: a mobile number for one SMS when the turn is near ----
        Item {
            objectName: "phoneScreen"
            visible: kiosk.screen === "phone"
            anchors.fill: parent
            Column {
                anchors { left: parent.left; top: parent.top; right: keypad.left; rightMargin: 40 }
                spacing: 20
                Text {
                    width: parent.width
                    text: root.t.phoneTitle
                    font.pixelSize: 38
                    font.bold: true
                    color: "#00838f"
                    wrapMode: Text.WordWrap
                }
                Text {
                    width: parent.width
                    text: root.t.phoneExplain
                    font.pixelSize: 26
                    color: "#37474f"
                    wrapMode: Text.WordWrap
                }
                Rectangle {
                    width: parent.width; height: 100
                    radius: 10
                    border.color: kiosk.phoneHint.length > 0 ? "#b71c1c" : "#00838f"
                    border.width: 3
                    Row {
                        anchors.centerIn: parent
                        Text {
                            objectName: "phoneText"
                            text: kiosk.phoneText
                            font.pixelSize: 52
                            font.family: "DejaVu Sans Mono"
                            font.bold: true
                            color: "#263238"
                        }
                        Text {
                            text: kiosk.phoneRest
                            font.pixelSize: 52
                            font.family: "DejaVu Sans Mono"
                            font.bold: true
                            color: "#b0bec5"
                        }
                    }
                }
                Text {
                    objectName: "phoneSavedText"
                    width: parent.width
                    visible: kiosk.phoneSaved
                    text: kiosk.phoneSavedText
                    font.pixelSize: 26
                    color: "#00838f"
                    wrapMode: Text.WordWrap
                }
                Text {
                    objectName: "phoneHint"
                    width: parent.width
                    visible: kiosk.phoneHint.length > 0
                    text: kiosk.phoneHint
                    font.pixelSize: 26
                    font.bold: true
                    color: "#b71c1c"
                    wrapMode: Text.WordWrap
                }
            }
            Grid {
                id: keypad
                anchors { right: parent.right; top: parent.top }
                columns: 3
                spacing: 14
                Repeater {
                    model: ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
                    Tile {
                        objectName: "digit_" + modelData
                        width: 150; height: 108; titleSize: 48
                        tint: "#37474f"
                        title: modelData
                        onTapped: kiosk.typeDigit(modelData)
                    }
                }
                Tile {
                    objectName: "phoneErase"
                    width: 150; height: 108; titleSize: 26
                    tint: "#8d6e63"
                    title: "⌫\n" + root.t.erase
                    onTapped: kiosk.erasePhoneDigit()
                }
                Tile {
                    objectName: "digit_0"
                    width: 150; height: 108; titleSize: 48
                    tint: "#37474f"
                    title: "0"
                    onTapped: kiosk.typeDigit("0")
                }
            }
            Row {
                anchors { bottom: parent.bottom; left: parent.left; right: parent.right }
                spacing: 24
                Tile {
                    objectName: "phoneSave"
                    width: 420; height: 110; titleSize: 36
                    tint: "#00838f"
                    enabled: kiosk.phoneValid
                    title: root.t.phoneSave
                    onTapped: kiosk.savePhone()
                }
                Tile {
                    objectName: "phoneRemove"
                    visible: kiosk.phoneSaved
                    width: 420; height: 110; titleSize: 30
                    tint: "#c62828"
                    title: root.t.phoneRemove
                    onTapped: kiosk.removePhone()
                }
                Tile {
                    objectName: "phoneBack"
                    width: 280; height: 110; titleSize: 30
                    tint: "#546e7a"
                    title: root.t.back
                    onTapped: kiosk.back()
                }
            }
        }

        // --- priority --------------------------------------------------
        Column {
            objectName: "priorityScreen"
            visible: kiosk.screen === "priority"
            anchors.fill: parent
            spacing: 24
            Text {
                text: root.t.priorityTitle
                font.pixelSize: 40
                font.bold: true
                color: "#6a1b9a"
            }
            Grid {
                id: priorityGrid
                width: parent.width
                columns: 2
                spacing: 24
                Repeater {
                    model: kiosk.priorities
                    Tile {
                        objectName: "priority_" + modelData.value
                        width: (priorityGrid.width - priorityGrid.spacing) / 2
                        height: 128
                        tint: modelData.value === 0 ? "#546e7a" : "#6a1b9a"
                        title: modelData.text
                        titleSize: 40
                        onTapped: kiosk.choosePriority(modelData.value)
                    }
                }
            }
            Tile {
                objectName: "priorityBack"
                width: 300; height: 100; titleSize: 30
                tint: "#546e7a"
                title: root.t.back
                onTapped: kiosk.back()
            }
        }

        // --- check-in: the code on an on-screen keyboard ----------------
        Item {
            objectName: "checkinScreen"
            visible: kiosk.screen === "checkin"
            anchors.fill: parent
            Text {
                id: codeTitle
                text: root.t.enterCode
                font.pixelSize: 36
                font.bold: true
                color: "#2e7d32"
            }
            Rectangle {
                id: codeBox
                anchors { top: codeTitle.bottom; topMargin: 12; left: parent.left }
                width: 560; height: 90
                radius: 10
                border.color: "#2e7d32"; border.width: 3
                Text {
                    objectName: "codeText"
                    anchors.centerIn: parent
                    // Shown as the slip prints it: XXXX-XXXX.
                    text: kiosk.code.length > 4 ? kiosk.code.slice(0, 4) + "-" + kiosk.code.slice(4)
                                                : kiosk.code
                    font.pixelSize: 56
                    font.family: "DejaVu Sans Mono"
                    font.bold: true
                }
            }
            Text {
                anchors { top: codeTitle.bottom; topMargin: 12; left: codeBox.right; leftMargin: 24
                          right: parent.right }
                text: kiosk.errorText
                color: "#b71c1c"
                font.pixelSize: 24
                wrapMode: Text.WordWrap
            }
            Grid {
                id: keyboard
                anchors { top: codeBox.bottom; topMargin: 20; left: parent.left }
                columns: 12
                spacing: 10
                Repeater {
                    model: "1234567890QWERTYUIOPASDFGHJKLZXCVBNM".split("")
                    Tile {
                        objectName: "key_" + modelData
                        width: 88; height: 84
                        titleSize: 36
                        tint: "#37474f"
                        title: modelData
                        onTapped: kiosk.typeKey(modelData)
                    }
                }
            }
            Row {
                anchors { bottom: parent.bottom; left: parent.left }
                spacing: 24
                Tile {
                    objectName: "eraseKey"
                    width: 260; height: 100; titleSize: 30
                    tint: "#8d6e63"
                    title: "⌫ " + root.t.erase
                    onTapped: kiosk.erase()
                }
                Tile {
                    objectName: "submitCode"
                    width: 420; height: 100; titleSize: 34
                    tint: "#2e7d32"
                    enabled: kiosk.code.length > 0 && !kiosk.busy
                    title: root.t.checkIn
                    onTapped: kiosk.submitCode()
                }
                Tile {
                    objectName: "checkinBack"
                    width: 260; height: 100; titleSize: 30
                    tint: "#546e7a"
                    title: root.t.back
                    onTapped: kiosk.back()
                }
            }
        }

        // --- result: the number large -----------------------------------
        Item {
            objectName: "resultScreen"
            visible: kiosk.screen === "result"
            anchors.fill: parent
            Column {
                anchors { left: parent.left; top: parent.top; right: qr.left; rightMargin: 24 }
                spacing: 8
                Text { text: root.t.yourNumber; font.pixelSize: 36; color: "#37474f" }
                Text {
                    objectName: "numberText"
                    text: kiosk.number
                    font.pixelSize: 200
                    font.bold: true
                    // Capitals and digits only: a box shorter than the font's
                    // line (no descenders) leaves two lines for the note below.
                    height: 230
                    verticalAlignment: Text.AlignVCenter
                    color: "#0d47a1"
                }
                Text {
                    text: kiosk.serviceName
                    font.pixelSize: 32
                    width: parent.width
                    wrapMode: Text.WordWrap
                }
                Text {
                    text: root.t.peopleAhead + root.t.separator + kiosk.position + "    "
                          + root.t.estimatedWait + root.t.separator + kiosk.waitText
                    font.pixelSize: 30
                }
                Text {
                    objectName: "resultNote"
                    visible: kiosk.resultNote.length > 0
                    width: parent.width
                    text: kiosk.resultNote
                    font.pixelSize: 28
                    font.bold: true
                    color: "#e65100"
                    wrapMode: Text.WordWrap
                }
            }
            Column {
                id: qr
                anchors { right: parent.right; top: parent.top }
                spacing: 8
                visible: kiosk.qrSource.length > 0
                Image {
                    objectName: "qrImage"
                    source: kiosk.qrSource
                    width: 320; height: 320
                    smooth: false
                }
                Text {
                    width: 320
                    text: root.t.statusQr
                    font.pixelSize: 22
                    wrapMode: Text.WordWrap
                    horizontalAlignment: Text.AlignHCenter
                }
            }
            Rectangle {
                anchors { left: parent.left; right: home.left; rightMargin: 24; bottom: parent.bottom }
                height: 110
                radius: 12
                visible: kiosk.slipText.length > 0
                color: kiosk.printerFailed ? "#ffebee" : "#e8f5e9"
                border.color: kiosk.printerFailed ? "#b71c1c" : "#2e7d32"
                border.width: 3
                Text {
                    objectName: "slipText"
                    anchors.fill: parent
                    anchors.margins: 12
                    text: kiosk.slipText
                    font.pixelSize: kiosk.printerFailed ? 28 : 40
                    font.bold: true
                    color: kiosk.printerFailed ? "#b71c1c" : "#2e7d32"
                    wrapMode: Text.WordWrap
                    verticalAlignment: Text.AlignVCenter
                }
            }
            Tile {
                id: home
                objectName: "homeButton"
                anchors { right: parent.right; bottom: parent.bottom }
                width: 280; height: 110; titleSize: 30
                tint: "#546e7a"
                title: root.t.home
                onTapped: kiosk.home()
            }
        }
    }

    // --- out of service, in all three languages ---------------------------
    Rectangle {
        objectName: "outOfServiceScreen"
        visible: kiosk.screen === "out-of-service"
        anchors.fill: parent
        color: "#263238"
        Column {
            anchors.centerIn: parent
            spacing: 28
            Repeater {
                model: ["ru", "en", "zh"].map(l => kiosk.textsIn(l))
                Column {
                    anchors.horizontalCenter: parent.horizontalCenter
                    spacing: 4
                    Text {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: modelData.outOfService; color: "white"; font.pixelSize: 46; font.bold: true
                    }
                    Text {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: modelData.askCounter; color: "#cfd8dc"; font.pixelSize: 32
                    }
                }
            }
        }
    }

    // A request in flight: taps wait.
    Rectangle {
        objectName: "busyOverlay"
        anchors.fill: parent
        visible: kiosk.busy
        color: "#80000000"
        MouseArea { anchors.fill: parent }  // swallows taps while waiting
        Text {
            anchors.centerIn: parent
            text: root.t.pleaseWait
            color: "white"
            font.pixelSize: 56
            font.bold: true
        }
    }
}
