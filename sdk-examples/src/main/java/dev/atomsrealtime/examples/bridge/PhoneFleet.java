package dev.atomsrealtime.examples.bridge;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Many {@link SimulatedPhone}s calling a bridge at once, driven by one timer thread at the phone
 * network's 20 ms pace. Each caller says the bundled request after 300 ms; every {@code
 * bargeInEvery}-th caller also barges in with the bundled interruption once it has heard a second
 * of the agent's reply. For tests and the bridge benchmark.
 */
public final class PhoneFleet implements AutoCloseable {
  private final List<SimulatedPhone> phones = new ArrayList<>();
  private final List<Boolean> bargesIn = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "phone-fleet-timer");
    t.setDaemon(true);
    return t;
  });
  private final byte[] bargeIn = SimulatedPhone.utterance("barge_in");

  /**
   * Opens {@code calls} streams to {@code bridge}; stream {@code i} has id {@code MZcall-i} and
   * the custom parameter {@code caller=phone-i}.
   *
   * @param bridge the bridge's address
   * @param calls how many calls
   * @param bargeInEvery every how many calls one barges in (0: none)
   * @throws InterruptedException if interrupted while connecting
   */
  public PhoneFleet(URI bridge, int calls, int bargeInEvery) throws InterruptedException {
    byte[] request = SimulatedPhone.utterance("book_table");
    for (int i = 0; i < calls; i++) {
      SimulatedPhone phone = new SimulatedPhone(bridge, "MZcall-" + i,
          Map.of("caller", "phone-" + i));
      phone.say(SimulatedPhone.silence(300));
      phone.say(request);
      if (!phone.open()) {
        throw new IllegalStateException("phone " + i + " could not connect to " + bridge);
      }
      phones.add(phone);
      bargesIn.add(bargeInEvery > 0 && i % bargeInEvery == bargeInEvery - 1);
    }
    timer.scheduleAtFixedRate(this::tick, 20, 20, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    for (int i = 0; i < phones.size(); i++) {
      SimulatedPhone p = phones.get(i);
      if (bargesIn.get(i) && p.scriptDone() && p.played().length >= 8_000
          && p.clears().isEmpty()) {
        bargesIn.set(i, false);
        p.say(bargeIn);
      }
      p.tick();
    }
  }

  /**
   * The phones, in call order.
   *
   * @return the phones
   */
  public List<SimulatedPhone> phones() {
    return phones;
  }

  /**
   * Whether call {@code i} is one that barges in.
   *
   * @param i the call
   * @param bargeInEvery as given to the constructor
   * @return whether it was scripted to barge in
   */
  public static boolean bargesIn(int i, int bargeInEvery) {
    return bargeInEvery > 0 && i % bargeInEvery == bargeInEvery - 1;
  }

  /** Hangs every phone up and stops the timer. */
  @Override
  public void close() {
    timer.shutdownNow();
    for (SimulatedPhone p : phones) {
      p.hangUp();
    }
  }
}
