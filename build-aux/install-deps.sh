#!/bin/bash
# Installs what Passdesk needs to build, run and test on Debian 12, and nothing when it is all
# there already. Needs root (or sudo).
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc g++ gettext appstream-util desktop-file-utils
  libglib2.0-dev libglib2.0-dev-bin
  # libraries (see README.md for why each one)
  libgtk-4-dev libepoxy-dev libadwaita-1-dev libsqlite3-dev libsoup-3.0-dev libjson-glib-dev
  libsecret-1-dev libsodium-dev libqrencode-dev libgdk-pixbuf-2.0-dev webp-pixbuf-loader libdlib-dev libdlib-data python3-skimage libcairo2-dev libpango1.0-dev libpoppler-glib-dev poppler-utils
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good libzxing-dev libsane-dev sane-utils libsane1
  # chip readers (PC/SC) and the chip's cryptography (OpenSSL; OpenPACE for PACE; openjpeg for JPEG 2000 faces); a virtual reader for the
  # chip tests, whose pcscd gets its own /run/pcscd through unshare (util-linux)
  libpcsclite-dev pcscd libssl-dev libeac-dev libopenjp2-7-dev vsmartcard-vpcd util-linux
  # run and test like a desktop: Xvfb, a D-Bus session, a real keyring, sqlite3 to poke files
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools sqlite3
  # the accessibility bus (org.a11y.Bus): GTK windows register with it, and the accessibility
  # test reads what screen readers get
  at-spi2-core
  # papers sent straight to a remembered printer (libcups); the print test's private cupsd
  # with Debian's PDF printer
  libcups2-dev cups printer-driver-cups-pdf
  # self-signed certificates for the central server's TLS test
  openssl
  # fuzzing and sanitizers
  clang libclang-rt-14-dev
  # fonts so that screenshots and PDFs show Vietnamese; the vi_VN locale for translation tests
  fonts-dejavu-core fonts-noto-core locales
)

ensure_locale() {
  locale -a 2>/dev/null | grep -qi '^vi_VN.utf8$' && return 0
  $SUDO sed -i 's/^# *vi_VN.UTF-8 UTF-8/vi_VN.UTF-8 UTF-8/' /etc/locale.gen
  grep -q '^vi_VN.UTF-8 UTF-8' /etc/locale.gen || echo 'vi_VN.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
  $SUDO locale-gen
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  ensure_locale
  exit 0
fi

echo "Installing: ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
ensure_locale
