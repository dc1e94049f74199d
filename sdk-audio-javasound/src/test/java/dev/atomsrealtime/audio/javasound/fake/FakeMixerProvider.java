package dev.atomsrealtime.audio.javasound.fake;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.spi.MixerProvider;

/**
 * Makes {@link FakeMixer}s visible to {@link javax.sound.sampled.AudioSystem}. Registered in
 * {@code META-INF/services} (test scope) and pinned as the default provider for both line kinds by
 * the Surefire configuration, so that {@code AudioSystem}'s default device is a fake even on a
 * machine with a sound card. Lists no mixer until a test {@link #install}s some.
 */
public final class FakeMixerProvider extends MixerProvider {

  private static final List<FakeMixer> INSTALLED = new CopyOnWriteArrayList<>();

  /** Replaces the mixers AudioSystem sees. */
  public static void install(FakeMixer... mixers) {
    INSTALLED.clear();
    INSTALLED.addAll(List.of(mixers));
  }

  /** AudioSystem sees no fake mixer. */
  public static void uninstall() {
    INSTALLED.clear();
  }

  @Override
  public Mixer.Info[] getMixerInfo() {
    return INSTALLED.stream().map(FakeMixer::getMixerInfo).toArray(Mixer.Info[]::new);
  }

  @Override
  public boolean isMixerSupported(Mixer.Info info) {
    return INSTALLED.stream().anyMatch(m -> m.getMixerInfo().equals(info));
  }

  @Override
  public Mixer getMixer(Mixer.Info info) {
    for (FakeMixer mixer : INSTALLED) {
      if (info == null || mixer.getMixerInfo().equals(info)) {
        return mixer;
      }
    }
    throw new IllegalArgumentException("no fake mixer " + info);
  }
}
