#!/usr/bin/env bash
# Puts the real CLIP BPE vocabulary (bpe_simple_vocab_16e6.txt.gz, MIT) into the user's cache directory, from the
# PyPI wheel open-clip-torch (`pip download --no-deps`, then unzip; no torch needed). It also writes the
# gunzipped text next to it, which is what the Swift CLIP tokenizer reads.
set -euo pipefail
dir="${ENCODER_DIR:-$HOME/.cache/arroz-studio/encoders}/clip"
if [ -f "$dir/bpe_simple_vocab_16e6.txt" ] && [ -f "$dir/bpe_simple_vocab_16e6.txt.gz" ]; then exit 0; fi
py=$(command -v python3 || true)
if [ -z "$py" ]; then
    echo "fetch-clip-vocab: python3 with pip is needed: apt-get install -y python3-pip" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-clip-vocab: downloading the open-clip-torch wheel from PyPI"
"$py" -m pip download --quiet --no-deps --dest "$tmp" open-clip-torch \
    || { echo "fetch-clip-vocab: pip download failed; retry: $py -m pip download --no-deps open-clip-torch" >&2
         exit 1; }
wheel=$(ls "$tmp"/*.whl | head -1)
mkdir -p "$tmp/x" "$dir"
"$py" -m zipfile -e "$wheel" "$tmp/x"
src=$(find "$tmp/x" -name "bpe_simple_vocab_16e6.txt.gz" | head -1)
[ -n "$src" ] || { echo "fetch-clip-vocab: no bpe_simple_vocab_16e6.txt.gz in $wheel" >&2; exit 1; }
cp "$src" "$dir/bpe_simple_vocab_16e6.txt.gz"
"$py" -c "import gzip,sys; open(sys.argv[2],'wb').write(gzip.open(sys.argv[1]).read())" \
    "$dir/bpe_simple_vocab_16e6.txt.gz" "$dir/bpe_simple_vocab_16e6.txt"
echo "fetch-clip-vocab: the CLIP BPE vocabulary is in $dir"
