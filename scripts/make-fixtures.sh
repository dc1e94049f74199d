#!/usr/bin/env bash
# Regenerates the speech and format fixtures used by the audio tests and by the testkit.
#
# Deterministic: espeak-ng is deterministic for a named voice, and every sox call uses -D (no
# dither), so running this twice gives byte-identical files. Made and checked with:
#   eSpeak NG text-to-speech: 1.51 (Debian package espeak-ng 1.51+dfsg-10+deb12u2)
#   SoX v14.4.2 (Debian package sox)
# Other versions may produce slightly different audio; the tests only rely on broad properties
# (where speech is, formats, lengths within a tolerance), but regenerate with these versions to keep
# the committed files unchanged.
#
# Install: apt-get install -y --no-install-recommends espeak-ng sox
# Usage:   scripts/make-fixtures.sh            (from the repository root)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
core="$root/sdk-core/src/test/resources/audio"
kit="$root/sdk-testkit/src/main/resources/dev/atomsrealtime/testkit/audio"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$core" "$kit"

voice=en-us
say() { espeak-ng -v "$voice" -w "$2" "$1"; }   # always 22050 Hz mono s16 WAV

say "Hello, I would like to book a table for two tonight." "$tmp/book.wav"
say "Wait, actually make it four people." "$tmp/barge.wav"
say "Sure, I can help with that. What time would you like the table?" "$tmp/reply.wav"

pcm24=(-r 24000 -b 16 -e signed-integer -c 1)

# Conversation fixtures, 24 kHz mono 16-bit (the session's usual wire format). User turns carry
# 0.3 s of leading and 1.0 s of trailing silence so that VAD and end-of-turn logic see silence.
sox -D "$tmp/book.wav" "${pcm24[@]}" "$core/user_book_table_24k.wav" pad 0.3 1.0
sox -D "$tmp/barge.wav" "${pcm24[@]}" "$kit/user_barge_in_24k.wav" pad 0.3 1.0
sox -D "$tmp/reply.wav" "${pcm24[@]}" "$kit/agent_reply_24k.wav" pad 0.1 0.1
cp "$core/user_book_table_24k.wav" "$kit/user_book_table_24k.wav"

# Conversion fixtures: the first second of the same utterance (no padding) in other formats.
sox -D "$tmp/book.wav" "$core/user_book_table_22k.wav" trim 0 1.0
sox -D "$tmp/book.wav" -r 16000 -b 16 -e signed-integer -c 1 "$core/user_book_table_16k.wav" \
  trim 0 1.0
sox -D "$tmp/book.wav" -r 48000 -b 16 -e signed-integer -c 2 "$core/user_book_table_48k_stereo.wav" \
  trim 0 0.5

# G.711 at 8 kHz (telephone audio): the 16 kHz second as sox writes it in PCM16, mu-law (WAV tag
# 7) and A-law (tag 6); and, for the phone bridge's simulated caller, both user utterances in
# mu-law.
sox -D "$core/user_book_table_16k.wav" -r 8000 -e signed-integer -b 16 -c 1 "$core/user_book_table_8k.wav"
sox -D "$core/user_book_table_16k.wav" -r 8000 -e mu-law -b 8 -c 1 "$core/user_book_table_8k_mulaw.wav"
sox -D "$core/user_book_table_16k.wav" -r 8000 -e a-law -b 8 -c 1 "$core/user_book_table_8k_alaw.wav"
bridge="$root/sdk-examples/src/main/resources/dev/atomsrealtime/examples/bridge"
mkdir -p "$bridge"
sox -D "$core/user_book_table_24k.wav" -r 8000 -e mu-law -b 8 -c 1 "$bridge/user_book_table_8k_mulaw.wav"
sox -D "$kit/user_barge_in_24k.wav" -r 8000 -e mu-law -b 8 -c 1 "$bridge/user_barge_in_8k_mulaw.wav"

# Formats the WAV reader must refuse: tiny synthetic tones.
tone=(synth 0.05 sine 440 vol 0.5)
sox -D -n -r 8000 -c 1 -b 8 -e unsigned-integer "$core/tone_u8_8k.wav" "${tone[@]}"
sox -D -n -r 8000 -c 1 -b 32 -e floating-point "$core/tone_float32_8k.wav" "${tone[@]}"
sox -D -n -r 8000 -c 1 -b 24 -e signed-integer "$core/tone_s24_8k.wav" "${tone[@]}"
sox -D -n -r 8000 -c 1 -e ima-adpcm "$core/tone_ima_adpcm_8k.wav" "${tone[@]}"
sox -D -n -r 8000 -c 3 -b 16 -e signed-integer "$core/tone_3ch_8k.wav" "${tone[@]}"
sox -D -n -r 96000 -c 1 -b 16 -e signed-integer "$core/tone_96k.wav" synth 0.01 sine 440 vol 0.5

(cd "$core" && md5sum ./*.wav) > "$tmp/core.md5"
(cd "$kit" && md5sum ./*.wav) > "$tmp/kit.md5"
cat "$tmp/core.md5" "$tmp/kit.md5"
