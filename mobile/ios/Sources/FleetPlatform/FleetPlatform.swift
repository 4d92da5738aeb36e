// The iOS side of the phone app's platform traits (mobile/src/platform/native.rs).
//
// Rust makes an object per call (per trip for the location), finding the class by its Objective-C
// name `FleetPlatform`, and calls these methods from worker threads, never from the main thread,
// so a method may wait for the user (the camera, the location permission) or for the next
// position. Answers are plain strings: a path, a JSON fix, "" for "nothing" (cancelled, no fix
// yet) and "error: ..." for a reason to show the user. Every method returns a string: the
// bindings read each answer as an object.
import CoreLocation
import Foundation
import UIKit

@objc(FleetPlatform)
public final class FleetPlatform: NSObject, CLLocationManagerDelegate, UIImagePickerControllerDelegate,
    UINavigationControllerDelegate
{
    /// How long the camera or the location permission question may take the user, so that an
    /// answer that never comes cannot hold a worker for ever.
    private static let userWait: TimeInterval = 10 * 60

    // Location: the manager lives on the main thread, which also receives its callbacks.
    private var manager: CLLocationManager?
    private let fixesLock = NSCondition()
    private var fixes: [String] = []
    /// Set when the fixes have ended for good ("error: ..."); guarded by `fixesLock`.
    private var failure = ""
    private let authorizationLock = NSCondition()
    private var authorization = CLAuthorizationStatus.notDetermined

    // Camera: the file the photo goes to, and the answer once the picker is done.
    private var photoTarget = ""
    private var photoAnswer = ""
    private let photoDone = DispatchSemaphore(value: 0)

    @objc public override init() { super.init() }

    /// The app's private data folder: the store, photos.
    @objc public func dataDir() -> String {
        guard let support = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask).first
        else { return "error: the app has no data folder" }
        let folder = support.appendingPathComponent("fleet-operations", isDirectory: true)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.path
    }

    // MARK: Camera

    /// Opens the camera to take one photo and waits for it: the JPEG's path, "" when cancelled,
    /// or "error: ...".
    @objc public func capturePhoto(_ name: String) -> String {
        let folder = dataDir()
        if folder.hasPrefix("error:") { return folder }
        let path = (folder as NSString).appendingPathComponent(name)
        DispatchQueue.main.async {
            guard UIImagePickerController.isSourceTypeAvailable(.camera) else {
                self.finishPhoto("error: this phone has no camera")
                return
            }
            guard let top = Self.topViewController() else {
                self.finishPhoto("error: the camera cannot be shown now")
                return
            }
            self.photoTarget = path
            let picker = UIImagePickerController()
            picker.sourceType = .camera
            picker.delegate = self
            top.present(picker, animated: true)
        }
        guard photoDone.wait(timeout: .now() + Self.userWait) == .success else {
            return "error: the camera did not answer; try again"
        }
        return photoAnswer
    }

    /// The screen on top, which can present the camera: the key window's root view controller,
    /// or what it presents, and so on up.
    private static func topViewController() -> UIViewController? {
        let windows = UIApplication.shared.connectedScenes
            .compactMap { $0 as? UIWindowScene }
            .flatMap { $0.windows }
        var top = (windows.first { $0.isKeyWindow } ?? windows.first)?.rootViewController
        while let presented = top?.presentedViewController {
            top = presented
        }
        return top
    }

    private func finishPhoto(_ answer: String) {
        photoAnswer = answer
        photoDone.signal()
    }

    public func imagePickerController(
        _ picker: UIImagePickerController, didFinishPickingMediaWithInfo info: [UIImagePickerController.InfoKey: Any]
    ) {
        picker.dismiss(animated: true)
        if let image = info[.originalImage] as? UIImage, let data = image.jpegData(compressionQuality: 0.95),
            (try? data.write(to: URL(fileURLWithPath: photoTarget))) != nil
        {
            finishPhoto(photoTarget)
        } else {
            finishPhoto("error: the photo could not be saved")
        }
    }

    public func imagePickerControllerDidCancel(_ picker: UIImagePickerController) {
        picker.dismiss(animated: true)
        finishPhoto("")
    }

    // MARK: Location

    /// Starts position updates; "" when started, else "error: ...". When the app has not been
    /// asked yet, asks for "when in use" permission and waits for the answer. `intervalMs` is a
    /// hint: iOS delivers fixes as the position changes.
    @objc public func startLocation(_ intervalMs: Int64) -> String {
        // Asked here, off the main thread, where it cannot stall the screen.
        guard CLLocationManager.locationServicesEnabled() else {
            return "error: location services are off; turn them on in the phone's settings"
        }
        DispatchQueue.main.sync {
            let manager = self.manager ?? CLLocationManager()
            manager.delegate = self
            manager.desiredAccuracy = kCLLocationAccuracyBest
            self.manager = manager
            let status = manager.authorizationStatus
            self.noteAuthorization(status)
            if status == .notDetermined {
                manager.requestWhenInUseAuthorization()
            }
        }
        let refusal: String
        switch waitForAuthorization() {
        case .authorizedWhenInUse, .authorizedAlways:
            DispatchQueue.main.sync { self.manager?.startUpdatingLocation() }
            return ""
        case .denied:
            refusal = "error: the app may not use the location; allow it in the phone's settings"
        case .restricted:
            refusal = "error: location use is restricted on this phone"
        case .notDetermined:
            refusal = "error: the location permission was not answered; try again"
        @unknown default:
            refusal = "error: the app may not use the location"
        }
        _ = stopLocation()
        return refusal
    }

    /// The permission once it is decided, or still `.notDetermined` after [userWait].
    private func waitForAuthorization() -> CLAuthorizationStatus {
        let deadline = Date().addingTimeInterval(Self.userWait)
        authorizationLock.lock()
        defer { authorizationLock.unlock() }
        while authorization == .notDetermined {
            if !authorizationLock.wait(until: deadline) { break }
        }
        return authorization
    }

    private func noteAuthorization(_ status: CLAuthorizationStatus) {
        authorizationLock.lock()
        authorization = status
        authorizationLock.broadcast()
        authorizationLock.unlock()
    }

    public func locationManagerDidChangeAuthorization(_ manager: CLLocationManager) {
        noteAuthorization(manager.authorizationStatus)
    }

    public func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        fixesLock.lock()
        for location in locations {
            let accuracy: Any = location.horizontalAccuracy >= 0 ? location.horizontalAccuracy : NSNull()
            let fix: [String: Any] = [
                "lon": location.coordinate.longitude, "lat": location.coordinate.latitude,
                "accuracy_m": accuracy, "time_ms": Int64(location.timestamp.timeIntervalSince1970 * 1000),
            ]
            if let data = try? JSONSerialization.data(withJSONObject: fix), let text = String(data: data, encoding: .utf8) {
                fixes.append(text)
            }
        }
        fixesLock.broadcast()
        fixesLock.unlock()
    }

    /// Core Location's failures. `denied` (the user took the permission back) ends the fixes:
    /// updates stop and `nextFix` answers "error: ...", so the trip keeps the track it has. Other
    /// errors, such as `locationUnknown`, pass: Core Location keeps trying.
    public func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        guard (error as? CLError)?.code == .denied else { return }
        manager.stopUpdatingLocation()
        fixesLock.lock()
        failure = "error: the app may no longer use the location; allow it in the phone's settings"
        fixesLock.broadcast()
        fixesLock.unlock()
    }

    /// The next position as JSON, "" if none came within `timeoutMs`, or "error: ..." once the
    /// fixes have ended.
    @objc public func nextFix(_ timeoutMs: Int64) -> String {
        fixesLock.lock()
        defer { fixesLock.unlock() }
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        while fixes.isEmpty {
            if !failure.isEmpty { return failure }
            if !fixesLock.wait(until: deadline) { return "" }
        }
        return fixes.removeFirst()
    }

    /// Stops position updates. Always answers "".
    @objc public func stopLocation() -> String {
        DispatchQueue.main.async {
            self.manager?.stopUpdatingLocation()
            self.manager?.delegate = nil
            self.manager = nil
        }
        fixesLock.lock()
        fixes.removeAll()
        fixesLock.unlock()
        return ""
    }
}
