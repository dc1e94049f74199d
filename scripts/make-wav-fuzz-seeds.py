#!/usr/bin/env python3
"""Writes the hand-made seed inputs of WavFuzzTest (the WAV reader's regression corpus).

Usage (from the repository root):
  scripts/make-wav-fuzz-seeds.py \
      sdk-core/src/test/resources/dev/atomsrealtime/audio/WavFuzzTestInputs/readWav

Small files of every header shape the reader meets: canonical mono and stereo, extensible with
the PCM GUID and with another GUID, extra chunks before 'fmt ' and between 'fmt ' and 'data'
(odd sizes with their pad byte), placeholder data sizes, data declared longer than the file, a
truncated last frame, and the refusals (RIFX, RF64, not RIFF, float, 8/24-bit, 3 channels, rates
out of range, bad block align, 'data' before 'fmt ', oversized 'fmt ', non-text chunk id).
Deterministic; inputs the fuzzer finds are added next to these by hand (see sdk-core/FUZZING.md).
"""
import os, struct, sys

root = sys.argv[1]
os.makedirs(root, exist_ok=True)

PCM_GUID_TAIL = bytes([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38,
                       0x9B, 0x71])

def fmt16(tag=1, channels=1, rate=16000, bits=16, align=None):
    align = channels * bits // 8 if align is None else align
    return struct.pack('<HHIIHH', tag, channels, rate, rate * align, align, bits)

def fmt_ext(sub=1, channels=2, rate=48000, tail=PCM_GUID_TAIL):
    base = fmt16(0xFFFE, channels, rate)
    return base + struct.pack('<HHI', 22, 16, 3) + struct.pack('<H', sub) + tail

def chunk(cid, body, size=None):
    size = len(body) if size is None else size
    return cid + struct.pack('<I', size) + body + (b'\0' if len(body) % 2 else b'')

def riff(*chunks, magic=b'RIFF', form=b'WAVE', size=None):
    body = form + b''.join(chunks)
    return magic + struct.pack('<I', len(body) if size is None else size) + body

def samples(n, channels=1):
    return bytes((i * 37 + 11) & 0xff for i in range(2 * n * channels))

S = {
    'canonical_mono_16k': riff(chunk(b'fmt ', fmt16()), chunk(b'data', samples(40))),
    'canonical_stereo_8k': riff(chunk(b'fmt ', fmt16(channels=2, rate=8000)),
                                chunk(b'data', samples(20, 2))),
    'extensible_pcm_48k': riff(chunk(b'fmt ', fmt_ext()), chunk(b'data', samples(10, 2))),
    'extensible_other_guid': riff(chunk(b'fmt ', fmt_ext(tail=bytes(14))),
                                  chunk(b'data', samples(4))),
    'extensible_float': riff(chunk(b'fmt ', fmt_ext(sub=3)), chunk(b'data', samples(4))),
    'extensible_short_fmt': riff(chunk(b'fmt ', fmt16(0xFFFE) + bytes(4)),
                                 chunk(b'data', samples(4))),
    'list_chunk_first_odd': riff(chunk(b'LIST', b'INFOabc'), chunk(b'fmt ', fmt16()),
                                 chunk(b'data', samples(8))),
    'fact_between': riff(chunk(b'fmt ', fmt16()), chunk(b'fact', struct.pack('<I', 8)),
                         chunk(b'data', samples(8))),
    'fmt_18_bytes': riff(chunk(b'fmt ', fmt16() + b'\0\0'), chunk(b'data', samples(8))),
    'placeholder_zero': riff(chunk(b'fmt ', fmt16()), chunk(b'data', samples(8), size=0)),
    'placeholder_ffffffff': riff(chunk(b'fmt ', fmt16()),
                                 chunk(b'data', samples(8), size=0xFFFFFFFF)),
    'placeholder_7ffff000': riff(chunk(b'fmt ', fmt16()),
                                 chunk(b'data', samples(8), size=0x7FFFF000)),
    'data_longer_than_file': riff(chunk(b'fmt ', fmt16()), chunk(b'data', samples(8), size=1000)),
    'truncated_last_frame': riff(chunk(b'fmt ', fmt16(channels=2)),
                                 chunk(b'data', samples(8, 2)[:-3])),
    'no_data_chunk': riff(chunk(b'fmt ', fmt16())),
    'truncated_in_fmt': riff(chunk(b'fmt ', fmt16()))[:30],
    'riff_only': b'RIFF',
    'rifx': riff(chunk(b'fmt ', fmt16()), magic=b'RIFX'),
    'rf64': riff(chunk(b'fmt ', fmt16()), magic=b'RF64'),
    'not_wave': riff(chunk(b'fmt ', fmt16()), form=b'AVI '),
    'float32': riff(chunk(b'fmt ', fmt16(tag=3, bits=32)), chunk(b'data', samples(4))),
    'u8': riff(chunk(b'fmt ', fmt16(bits=8)), chunk(b'data', samples(4))),
    's24': riff(chunk(b'fmt ', fmt16(bits=24)), chunk(b'data', samples(6))),
    'three_channels': riff(chunk(b'fmt ', fmt16(channels=3)), chunk(b'data', samples(4, 3))),
    'rate_7999': riff(chunk(b'fmt ', fmt16(rate=7999)), chunk(b'data', samples(4))),
    'rate_48001': riff(chunk(b'fmt ', fmt16(rate=48001)), chunk(b'data', samples(4))),
    'bad_block_align': riff(chunk(b'fmt ', fmt16(align=4)), chunk(b'data', samples(4))),
    'data_before_fmt': riff(chunk(b'data', samples(4)), chunk(b'fmt ', fmt16())),
    'fmt_too_small': riff(chunk(b'fmt ', fmt16()[:14])),
    'fmt_too_large': riff(chunk(b'fmt ', fmt16(), size=5000)),
    'binary_chunk_id': riff(chunk(b'\x01\x02\x03\x04', b'xx'), chunk(b'fmt ', fmt16())),
    'huge_unknown_chunk': riff(chunk(b'junk', b'', size=0xFFFFFFF0)),
}
for name, data in S.items():
    with open(os.path.join(root, name), 'wb') as f:
        f.write(data)
print(len(S), 'seeds in', root)
