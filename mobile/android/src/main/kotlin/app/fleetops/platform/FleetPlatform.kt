// The Android side of the phone app's platform traits (mobile/src/platform/native.rs).
//
// Rust calls these methods from worker threads, never from the UI thread, so a method may wait
// for the user (the camera) or for the next position. Answers are plain strings: a path, a JSON
// fix, "" for "nothing" (cancelled, no fix yet) and "error: ..." for a reason to show the user.
package app.fleetops.platform

import android.Manifest
import android.app.Activity
import android.content.pm.PackageManager
import android.location.Location
import android.location.LocationListener
import android.location.LocationManager
import android.os.Handler
import android.os.Looper
import android.webkit.WebView
import androidx.activity.ComponentActivity
import androidx.activity.result.contract.ActivityResultContracts
import androidx.core.content.ContextCompat
import androidx.core.content.FileProvider
import org.json.JSONObject
import java.io.File
import java.util.UUID
import java.util.concurrent.CountDownLatch
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

class FleetPlatform(private val activity: Activity) {
    private val main = Handler(Looper.getMainLooper())
    private val fixes = LinkedBlockingQueue<String>()
    private var listener: LocationListener? = null

    // Called by the bindings after construction.
    fun load(webView: WebView?) {}

    /** The app's private data folder: the store, photos. */
    fun dataDir(): String = activity.filesDir.absolutePath

    /**
     * Opens the camera app to take one photo into the capture folder and waits for it. Returns
     * the photo's path, "" when the user cancelled, or "error: ..." (no camera, no permission).
     */
    fun capturePhoto(name: String): String {
        val host = activity as? ComponentActivity ?: return "error: the camera needs a component activity"
        if (!granted(Manifest.permission.CAMERA) && !ask(Manifest.permission.CAMERA)) {
            return "error: the app may not use the camera; allow it in the phone's settings"
        }
        val folder = File(activity.filesDir, "captures").apply { mkdirs() }
        val file = File(folder, name)
        val uri = FileProvider.getUriForFile(activity, activity.packageName + ".photos", file)
        val done = CountDownLatch(1)
        var taken = false
        main.post {
            val key = "fleet-photo-" + UUID.randomUUID()
            var launcher: androidx.activity.result.ActivityResultLauncher<android.net.Uri>? = null
            launcher = host.activityResultRegistry.register(key, ActivityResultContracts.TakePicture()) { ok ->
                taken = ok
                launcher?.unregister()
                done.countDown()
            }
            try {
                launcher.launch(uri)
            } catch (e: Exception) {
                launcher.unregister()
                done.countDown()
            }
        }
        done.await()
        return if (taken && file.length() > 0) file.absolutePath else ""
    }

    /** Starts position updates every `intervalMs`; "" when started, else "error: ...". */
    fun startLocation(intervalMs: Long): String {
        if (!granted(Manifest.permission.ACCESS_FINE_LOCATION) && !ask(Manifest.permission.ACCESS_FINE_LOCATION)) {
            return "error: the app may not use the location; allow it in the phone's settings"
        }
        val manager = activity.getSystemService(LocationManager::class.java) ?: return "error: this phone has no location service"
        val updates = LocationListener { location: Location -> fixes.offer(fixJson(location)) }
        val started = CountDownLatch(1)
        var failure = ""
        main.post {
            try {
                manager.requestLocationUpdates(LocationManager.GPS_PROVIDER, intervalMs, 0f, updates, Looper.getMainLooper())
                listener = updates
            } catch (e: SecurityException) {
                failure = "error: the app may not use the location"
            } catch (e: IllegalArgumentException) {
                failure = "error: this phone has no GPS"
            }
            started.countDown()
        }
        started.await()
        return failure
    }

    /** The next position as JSON, "" if none came within `timeoutMs`. */
    fun nextFix(timeoutMs: Long): String = fixes.poll(timeoutMs, TimeUnit.MILLISECONDS) ?: ""

    /** Stops position updates. */
    fun stopLocation() {
        val updates = listener ?: return
        listener = null
        main.post { activity.getSystemService(LocationManager::class.java)?.removeUpdates(updates) }
        fixes.clear()
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

    /** Asks for a permission and waits for the answer. */
    private fun ask(permission: String): Boolean {
        val host = activity as? ComponentActivity ?: return false
        val done = CountDownLatch(1)
        var allowed = false
        main.post {
            val key = "fleet-permission-" + UUID.randomUUID()
            var launcher: androidx.activity.result.ActivityResultLauncher<String>? = null
            launcher = host.activityResultRegistry.register(key, ActivityResultContracts.RequestPermission()) { ok ->
                allowed = ok
                launcher?.unregister()
                done.countDown()
            }
            launcher.launch(permission)
        }
        done.await()
        return allowed
    }
}
