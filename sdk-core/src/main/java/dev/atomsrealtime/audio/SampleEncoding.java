package dev.atomsrealtime.audio;

/** How the bits of one sample of a {@link PcmFormat} map to a value. */
public enum SampleEncoding {
  /** Linear PCM: signed integers of 16, 24 or 32 bits, or unsigned 8-bit. */
  LINEAR,
  /** ITU-T G.711 mu-law: 8-bit logarithmic codes (North American and Japanese telephony). */
  MU_LAW,
  /** ITU-T G.711 A-law: 8-bit logarithmic codes (European and most other telephony). */
  A_LAW
}
