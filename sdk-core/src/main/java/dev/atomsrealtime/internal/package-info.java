/**
 * Implementation details of the SDK: the session, the codec, executors. <b>Not API</b>: anything
 * here may change in any release without notice. Applications use the types in {@code
 * dev.atomsrealtime} and its other subpackages.
 */
package dev.atomsrealtime.internal;
