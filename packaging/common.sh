# Shared by packaging/build.sh and packaging/quickstart.sh (sourced, from the repository root).

# The one version number, from Directory.Build.props (the assemblies and --version carry the same).
version="${NETWORKTWIN_VERSION:-$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)}"
[ -n "$version" ] || { echo "no <Version> in Directory.Build.props" >&2; exit 1; }

# A fresh root: an empty dpkg database and the base accounts, nothing else.
fresh_root() { # folder
  rm -rf "$1"
  mkdir -p "$1/var/lib/dpkg/info" "$1/var/lib/dpkg/updates" "$1/etc"
  touch "$1/var/lib/dpkg/status" "$1/var/lib/dpkg/available"
  printf 'root:x:0:0:root:/root:/bin/sh\n' > "$1/etc/passwd"
  printf 'root:x:0:\n' > "$1/etc/group"
  printf 'root:*:19000:0:99999:7:::\n' > "$1/etc/shadow"
  printf 'root:*::\n' > "$1/etc/gshadow"
}
