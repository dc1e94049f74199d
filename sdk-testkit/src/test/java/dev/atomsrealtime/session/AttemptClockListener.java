package dev.atomsrealtime.session;

import dev.atomsrealtime.AtomsSession;
import dev.atomsrealtime.SessionState;
import dev.atomsrealtime.Ticker;
import dev.atomsrealtime.testing.RecordingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link RecordingListener} that also notes, on the test's clock, when each connection attempt
 * began: the time of every change to {@link SessionState#CONNECTING}. Exact on virtual time as
 * long as the test does not move time before the attempt's next callback.
 */
final class AttemptClockListener extends RecordingListener {
  private final Ticker clock;
  private final List<Long> connectingAt = new CopyOnWriteArrayList<>();

  AttemptClockListener(Ticker clock) {
    this.clock = clock;
  }

  @Override
  public void onStateChanged(AtomsSession s, SessionState from, SessionState to) {
    if (to == SessionState.CONNECTING) {
      connectingAt.add(clock.nanoTime());
    }
    super.onStateChanged(s, from, to);
  }

  /** The clock's time, in nanoseconds, at each change to CONNECTING, in order. */
  List<Long> connectingAt() {
    return new ArrayList<>(connectingAt);
  }
}
