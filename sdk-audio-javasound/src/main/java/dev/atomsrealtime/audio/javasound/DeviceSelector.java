package dev.atomsrealtime.audio.javasound;

/**
 * Which device a source or sink opens: at most one of a device, a name (or part of one) and an
 * index; none means the default device.
 */
record DeviceSelector(JavaSoundDevice device, String name, int index) {

  static final DeviceSelector DEFAULT = new DeviceSelector(null, null, -1);

  static DeviceSelector of(JavaSoundDevice device) {
    return new DeviceSelector(device, null, -1);
  }

  static DeviceSelector named(String name) {
    return new DeviceSelector(null, name, -1);
  }

  static DeviceSelector at(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("device index must be >= 0, got " + index);
    }
    return new DeviceSelector(null, null, index);
  }

  boolean isDefault() {
    return device == null && name == null && index < 0;
  }

  @Override
  public String toString() {
    if (device != null) {
      return "device '" + device.name() + "'";
    }
    if (name != null) {
      return "device named '" + name + "'";
    }
    return index >= 0 ? "device #" + index : "default device";
  }
}
