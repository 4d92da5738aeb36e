// The iOS side of the phone app's platform traits (mobile/src/platform/native.rs).
//
// Rust calls these methods from worker threads, never from the main thread, so a method may wait
// for the user (the camera) or for the next position. Answers are plain strings: a path, a JSON
// fix, "" for "nothing" (cancelled, no fix yet) and "error: ..." for a reason to show the user.
import CoreLocation
import Foundation
import UIKit

@objc public final class FleetPlatform: NSObject, CLLocationManagerDelegate, UIImagePickerControllerDelegate,
    UINavigationControllerDelegate
{
    private var manager: CLLocationManager?
    private var fixes: [String] = []
    private let fixesLock = NSCondition()
    private var photoPath = ""
    private let photoDone = DispatchSemaphore(value: 0)

    @objc public override init() { super.init() }

    /// The app's private data folder: the store, photos.
    @objc public func dataDir() -> String {
        let folder = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
            .appendingPathComponent("fleet-operations", isDirectory: true)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.path
    }

    /// Opens the camera to take one photo and waits for it: the JPEG's path, "" when cancelled,
    /// or "error: ...".
    @objc public func capturePhoto(_ name: String) -> String {
        guard UIImagePickerController.isSourceTypeAvailable(.camera) else { return "error: this phone has no camera" }
        let path = (dataDir() as NSString).appendingPathComponent(name)
        DispatchQueue.main.async {
            guard let root = UIApplication.shared.connectedScenes
                .compactMap({ ($0 as? UIWindowScene)?.keyWindow?.rootViewController }).first
            else {
                self.photoPath = "error: the camera cannot be shown now"
                self.photoDone.signal()
                return
            }
            self.photoPath = path
            let picker = UIImagePickerController()
            picker.sourceType = .camera
            picker.delegate = self
            root.present(picker, animated: true)
        }
        photoDone.wait()
        return photoPath
    }

    public func imagePickerController(
        _ picker: UIImagePickerController, didFinishPickingMediaWithInfo info: [UIImagePickerController.InfoKey: Any]
    ) {
        picker.dismiss(animated: true)
        if let image = info[.originalImage] as? UIImage, let data = image.jpegData(compressionQuality: 0.95),
            (try? data.write(to: URL(fileURLWithPath: photoPath))) != nil
        {
            photoDone.signal()
            return
        }
        photoPath = "error: the photo could not be saved"
        photoDone.signal()
    }

    public func imagePickerControllerDidCancel(_ picker: UIImagePickerController) {
        picker.dismiss(animated: true)
        photoPath = ""
        photoDone.signal()
    }

    /// Starts position updates; "" when started, else "error: ...". `intervalMs` is a hint: iOS
    /// delivers fixes as the position changes.
    @objc public func startLocation(_ intervalMs: Int64) -> String {
        DispatchQueue.main.sync {
            let manager = CLLocationManager()
            manager.delegate = self
            manager.desiredAccuracy = kCLLocationAccuracyBest
            manager.requestWhenInUseAuthorization()
            manager.startUpdatingLocation()
            self.manager = manager
        }
        return ""
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
        fixesLock.signal()
        fixesLock.unlock()
    }

    /// The next position as JSON, "" if none came within `timeoutMs`.
    @objc public func nextFix(_ timeoutMs: Int64) -> String {
        fixesLock.lock()
        defer { fixesLock.unlock() }
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        while fixes.isEmpty {
            if !fixesLock.wait(until: deadline) { return "" }
        }
        return fixes.removeFirst()
    }

    /// Stops position updates.
    @objc public func stopLocation() {
        DispatchQueue.main.async {
            self.manager?.stopUpdatingLocation()
            self.manager = nil
        }
        fixesLock.lock()
        fixes.removeAll()
        fixesLock.unlock()
    }
}
