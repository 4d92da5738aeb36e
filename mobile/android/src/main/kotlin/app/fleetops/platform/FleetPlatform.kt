// The Android side of the phone app's platform traits (mobile/src/platform/native.rs).
//
// Rust makes an object per call (per trip for the location) through the activity's class loader
// and calls these methods from worker threads, never from the UI thread, so a method may wait for
// the user (the camera, a permission question) or for the next position. Answers are plain
// strings: a path, a JSON fix, "" for "nothing" (cancelled, no fix yet) and "error: ..." for a
// reason to show the user. No public method lets an exception escape: it would stay pending in
// the JNI call that made it.
package app.fleetops.platform

import android.Manifest
import android.annotation.SuppressLint
import android.app.Activity
import android.content.pm.PackageManager
import android.location.Location
import android.location.LocationListener
import android.location.LocationManager
import android.os.Bundle
import android.os.Handler
import android.os.Looper
import android.util.Log
import androidx.activity.ComponentActivity
import androidx.activity.result.ActivityResultLauncher
import androidx.activity.result.contract.ActivityResultContract
import androidx.activity.result.contract.ActivityResultContracts
import androidx.core.content.ContextCompat
import androidx.core.content.FileProvider
import androidx.core.location.LocationManagerCompat
import org.json.JSONObject
import java.io.File
import java.util.UUID
import java.util.concurrent.CountDownLatch
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicReference

class FleetPlatform(private val activity: Activity) {
    private val main = Handler(Looper.getMainLooper())
    private val fixes = LinkedBlockingQueue<String>()

    @Volatile
    private var listener: LocationListener? = null

    /** The app's private data folder: the store, photos. */
    fun dataDir(): String =
        try {
            activity.filesDir.absolutePath
        } catch (e: Throwable) {
            failed("the app's folder is not available", e)
        }

    /**
     * Opens the camera app to take one photo into the capture folder and waits for it. Returns
     * the photo's path, "" when the user cancelled, or "error: ..." (no camera, no permission).
     */
    fun capturePhoto(name: String): String =
        try {
            takePhoto(name)
        } catch (e: Throwable) {
            failed("the camera failed", e)
        }

    /**
     * Starts position updates every `intervalMs`, asking for the location permission first if
     * needed; "" when started, else "error: ...".
     */
    fun startLocation(intervalMs: Long): String =
        try {
            beginUpdates(intervalMs)
        } catch (e: Throwable) {
            failed("the location did not start", e)
        }

    /** The next position as JSON, "" if none came within `timeoutMs`. */
    fun nextFix(timeoutMs: Long): String =
        try {
            fixes.poll(timeoutMs, TimeUnit.MILLISECONDS) ?: ""
        } catch (e: Throwable) {
            failed("the location stopped", e)
        }

    /** Stops position updates. Always answers "". */
    fun stopLocation(): String {
        try {
            val updates = listener ?: return ""
            listener = null
            main.post {
                try {
                    activity.getSystemService(LocationManager::class.java)?.removeUpdates(updates)
                } catch (e: Throwable) {
                    Log.w(TAG, "stopping location updates failed", e)
                }
            }
            fixes.clear()
        } catch (e: Throwable) {
            Log.w(TAG, "stopping location updates failed", e)
        }
        return ""
    }

    private fun takePhoto(name: String): String {
        if (!granted(Manifest.permission.CAMERA)) {
            ask(arrayOf(Manifest.permission.CAMERA)).onFailure { return failed("the camera permission could not be asked", it) }
            if (!granted(Manifest.permission.CAMERA)) {
                return "error: the app may not use the camera; allow it in the phone's settings"
            }
        }
        val folder = File(activity.filesDir, "captures").apply { mkdirs() }
        val file = File(folder, name)
        val uri = FileProvider.getUriForFile(activity, activity.packageName + ".photos", file)
        val taken = launchAndWait(ActivityResultContracts.TakePicture(), uri)
            .getOrElse { return failed("the camera could not be opened", it) }
        return if (taken && file.length() > 0) file.absolutePath else ""
    }

    // The permission is checked (and asked for) first; lint cannot follow `locationAllowed`.
    @SuppressLint("MissingPermission")
    private fun beginUpdates(intervalMs: Long): String {
        if (listener != null) return ""
        val manager = activity.getSystemService(LocationManager::class.java)
            ?: return "error: this phone has no location service"
        // Android 12 and later let the user choose "approximate" (coarse only); either will do.
        if (!locationAllowed()) {
            ask(arrayOf(FINE, COARSE)).onFailure { return failed("the location permission could not be asked", it) }
            if (!locationAllowed()) {
                return "error: the app may not use the location; allow it in the phone's settings"
            }
        }
        if (!LocationManagerCompat.isLocationEnabled(manager)) {
            return "error: the phone's location is off; turn it on in the phone's settings"
        }
        // GPS needs the precise permission. With the approximate one the network provider gives
        // coarser fixes, and the trip recorder drops the ones that are too inaccurate.
        val providers = manager.allProviders
        val provider = when {
            granted(FINE) && LocationManager.GPS_PROVIDER in providers -> LocationManager.GPS_PROVIDER
            LocationManager.NETWORK_PROVIDER in providers -> LocationManager.NETWORK_PROVIDER
            else -> return "error: this phone has no location source the app may use"
        }
        val updates = Updates()
        val started = CountDownLatch(1)
        val failure = AtomicReference("")
        val posted = main.post {
            try {
                manager.requestLocationUpdates(provider, intervalMs, 0f, updates, Looper.getMainLooper())
                listener = updates
            } catch (e: SecurityException) {
                failure.set("error: the app may not use the location; allow it in the phone's settings")
            } catch (e: Throwable) {
                failure.set(failed("the location did not start", e))
            } finally {
                started.countDown()
            }
        }
        if (!posted) return "error: the app is closing"
        if (!started.await(START_SECONDS, TimeUnit.SECONDS)) {
            // The UI thread is stuck; undo the registration should it still happen (same queue).
            main.post {
                try {
                    manager.removeUpdates(updates)
                } catch (e: Throwable) {
                    Log.w(TAG, "stopping location updates failed", e)
                }
            }
            listener = null
            return "error: the location did not start in time; try again"
        }
        return failure.get()
    }

    /**
     * Receives the positions. Every method is overridden: before Android 11 (API 30) the last
     * three have no default, and a listener without them fails with AbstractMethodError.
     */
    private inner class Updates : LocationListener {
        override fun onLocationChanged(location: Location) {
            fixes.offer(fixJson(location))
        }

        @Deprecated("Deprecated in Java")
        override fun onStatusChanged(provider: String?, status: Int, extras: Bundle?) {}

        override fun onProviderEnabled(provider: String) {}

        override fun onProviderDisabled(provider: String) {}
    }

    private fun fixJson(location: Location): String =
        JSONObject()
            .put("lon", location.longitude)
            .put("lat", location.latitude)
            .put("accuracy_m", if (location.hasAccuracy()) location.accuracy.toDouble() else JSONObject.NULL)
            .put("time_ms", location.time)
            .toString()

    private fun granted(permission: String) =
        ContextCompat.checkSelfPermission(activity, permission) == PackageManager.PERMISSION_GRANTED

    private fun locationAllowed() = granted(FINE) || granted(COARSE)

    /** Asks for `permissions` in one question and waits for the answer; check `granted` after. */
    private fun ask(permissions: Array<String>): Result<Map<String, Boolean>> =
        launchAndWait(ActivityResultContracts.RequestMultiplePermissions(), permissions)

    /**
     * Launches `contract` with `input` on the UI thread and waits for its result, at most
     * [USER_WAIT_MINUTES] so that a result the system never delivers cannot hold a worker for
     * ever. A failure says why there is no result: the launch failed, or no answer in time.
     */
    private fun <I, O> launchAndWait(contract: ActivityResultContract<I, O>, input: I): Result<O> {
        val host = activity as? ComponentActivity
            ?: return Result.failure(IllegalStateException("the app's activity cannot show other screens"))
        val done = CountDownLatch(1)
        val outcome = AtomicReference<Result<O>>()
        val posted = main.post {
            var launcher: ActivityResultLauncher<I>? = null
            try {
                val registered = host.activityResultRegistry.register("fleet-" + UUID.randomUUID(), contract) { output ->
                    outcome.set(Result.success(output))
                    launcher?.unregister()
                    done.countDown()
                }
                launcher = registered
                registered.launch(input)
            } catch (e: Throwable) {
                launcher?.unregister()
                outcome.set(Result.failure(e))
                done.countDown()
            }
        }
        if (!posted) return Result.failure(IllegalStateException("the app is closing"))
        if (!done.await(USER_WAIT_MINUTES, TimeUnit.MINUTES)) {
            return Result.failure(TimeoutException("no answer within $USER_WAIT_MINUTES minutes"))
        }
        return outcome.get() ?: Result.failure(IllegalStateException("no result"))
    }

    /** An "error: ..." answer for an unexpected failure, which is also logged. */
    private fun failed(what: String, e: Throwable): String {
        Log.w(TAG, what, e)
        return "error: $what (${e.message ?: e.javaClass.simpleName})"
    }

    private companion object {
        const val TAG = "FleetPlatform"
        const val FINE = Manifest.permission.ACCESS_FINE_LOCATION
        const val COARSE = Manifest.permission.ACCESS_COARSE_LOCATION

        /** How long the camera or a permission question may take the user. */
        const val USER_WAIT_MINUTES = 10L

        /** How long registering for location updates on the UI thread may take. */
        const val START_SECONDS = 10L
    }
}
