#!/usr/bin/env bash
# Regenerates src/Lumen.Onnx/Protobuf/Onnx.g.cs, the C# classes for ONNX's protobuf messages (ModelProto, GraphProto,
# NodeProto, TensorProto, ...), from the official onnx.proto.
#
#   scripts/generate-onnx-protobuf.sh [ONNX_PROTO]   (default: Debian python3-onnx's copy,
#                                                    /usr/lib/python3/dist-packages/onnx/onnx.proto)
#
# Provenance: onnx.proto of ONNX 1.12.0 (IR version 8; github.com/onnx/onnx, onnx/onnx.proto, generated there from
# onnx.in.proto), SPDX-License-Identifier: Apache-2.0, as shipped by Debian bookworm's python3-onnx 1.12. A verbatim
# copy is kept beside the output (src/Lumen.Onnx/Protobuf/onnx.proto) so the generated file can be checked against it.
#
# protoc comes from the NuGet package Google.Protobuf.Tools at the same version as the Google.Protobuf runtime that
# src/Lumen.Onnx references (3.36.2), so generated code and runtime match; the script restores it into the NuGet cache
# through a throwaway project. Only one option is added to the proto before compiling: csharp_namespace, so the
# messages live in Lumen.Onnx.Protobuf instead of a top-level Onnx namespace.
set -euo pipefail

version=3.36.2
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="${1:-/usr/lib/python3/dist-packages/onnx/onnx.proto}"
out="$repo/src/Lumen.Onnx/Protobuf"
[[ -f "$src" ]] || { echo "generate-onnx-protobuf: $src not found (apt-get install python3-onnx, or pass the path)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Fetch Google.Protobuf.Tools (protoc + well-known protos) into the NuGet cache.
cat > "$work/tools.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Google.Protobuf.Tools" Version="[$version]" /></ItemGroup>
</Project>
XML
dotnet restore "$work/tools.csproj" >/dev/null
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
case "$(uname -m)" in
    x86_64) arch=linux_x64 ;;
    aarch64) arch=linux_arm64 ;;
    *) echo "generate-onnx-protobuf: no protoc in Google.Protobuf.Tools for $(uname -m)" >&2; exit 2 ;;
esac
protoc="$packages/google.protobuf.tools/$version/tools/$arch/protoc"
chmod +x "$protoc"
"$protoc" --version

cp "$src" "$out/onnx.proto"
sed 's/^package onnx;$/package onnx;\noption csharp_namespace = "Lumen.Onnx.Protobuf";/' "$src" > "$work/onnx.proto"
grep -q 'csharp_namespace' "$work/onnx.proto" || { echo "generate-onnx-protobuf: no 'package onnx;' line in $src" >&2; exit 2; }
"$protoc" --proto_path="$work" --csharp_out="$work" --csharp_opt=file_extension=.g.cs "$work/onnx.proto"
mv "$work/Onnx.g.cs" "$out/Onnx.g.cs"
echo "wrote $out/Onnx.g.cs from $src"
