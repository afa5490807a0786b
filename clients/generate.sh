#!/usr/bin/env bash
# Generates the Python and Java client stubs from spec/; make generate calls
# it, and paths are relative to the repo root. The output is committed, and CI
# regenerates and diffs it, so it must stay byte-for-byte reproducible: every
# generator is pinned, and the generated directories are wiped before each run.
#
#   VENV               Python venv with grpcio-tools (default .venv)
#   BIN                where pinned tools are kept (default bin)
#   PROTOC_VERSION     protoc for Java, from Maven Central (default 31.1, the
#                      protoc bundled in grpcio-tools 1.76.0)
#   GRPC_JAVA_VERSION  protoc-gen-grpc-java, from Maven Central (default 1.76.0)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=${VENV:-.venv}
BIN=${BIN:-bin}
PROTOC_VERSION=${PROTOC_VERSION:-31.1}
GRPC_JAVA_VERSION=${GRPC_JAVA_VERSION:-1.76.0}

export LC_ALL=C # stable glob order
protos=(spec/trebuchet/v1/*.proto)

# fetch_exe GROUP:ARTIFACT VERSION NAME: copies the native executable that
# Maven Central publishes for this platform to $BIN/NAME-VERSION, once.
fetch_exe() {
  local dest="$BIN/$3-$2" tmp arch
  [[ -x $dest ]] && return
  case "$(uname -m)" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch_64 ;;
    *) echo "generate.sh: unsupported architecture $(uname -m)" >&2; return 1 ;;
  esac
  tmp=$(mktemp -d)
  mvn -q -B -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="$1:$2:exe:linux-$arch" -DoutputDirectory="$tmp"
  mkdir -p "$BIN"
  install -m 0755 "$tmp"/*.exe "$dest"
  rm -rf "$tmp"
}

# Python: messages, type stubs and gRPC stubs, with the protoc bundled in
# grpcio-tools (which also adds the include dir of the well-known types).
# Generating into src/ gives the package trebuchet.v1, so the generated
# `from trebuchet.v1 import ...` imports resolve; the hand-written
# trebuchet_client package sits beside it.
py_protoc=("$VENV/bin/python" -m grpc_tools.protoc)
py_src=clients/python/src
rm -rf "$py_src/trebuchet"
mkdir -p "$py_src"
"${py_protoc[@]}" -I spec --python_out="$py_src" --pyi_out="$py_src" --grpc_python_out="$py_src" "${protos[@]}"
touch "$py_src/trebuchet/__init__.py" "$py_src/trebuchet/v1/__init__.py"

# Java: protobuf-java messages and grpc-java service stubs, all in the package
# dev.trebuchet.v1; dev.trebuchet.client is hand-written. grpcio-tools' protoc
# has no Java generator, so use the same protoc release from Maven Central
# (published there as 4.x) and insist the two agree.
fetch_exe com.google.protobuf:protoc "4.$PROTOC_VERSION" protoc
fetch_exe io.grpc:protoc-gen-grpc-java "$GRPC_JAVA_VERSION" protoc-gen-grpc-java
protoc="$BIN/protoc-4.$PROTOC_VERSION"
if [[ $("$protoc" --version) != $("${py_protoc[@]}" --version) ]]; then
  echo "generate.sh: $protoc is not the protoc of grpcio-tools; fix PROTOC_VERSION" >&2
  exit 1
fi
wkt=$("$VENV/bin/python" -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')
java_src=clients/java/src/main/java
rm -rf "$java_src/dev/trebuchet/v1"
mkdir -p "$java_src"
"$protoc" -I spec -I "$wkt" \
  --plugin=protoc-gen-grpc-java="$BIN/protoc-gen-grpc-java-$GRPC_JAVA_VERSION" \
  --java_out="$java_src" --grpc-java_out="$java_src" "${protos[@]}"
