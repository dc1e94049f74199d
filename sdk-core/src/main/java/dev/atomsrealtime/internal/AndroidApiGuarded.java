package dev.atomsrealtime.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class that uses an API above the SDK's minimum Android level and is only ever loaded
 * behind a check that the API exists (with a portable fallback). The build's Android API check
 * (animal-sniffer) skips what carries it; nothing else should.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface AndroidApiGuarded {}
