// The phone app's Android platform plugin (camera to a file, location fixes, the app's data
// folder), a library the Dioxus CLI (`dx`) bundles into the APK; Rust calls it through the
// `manganis::ffi` bindings in `src/platform/native.rs`.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "app.fleetops.platform"
    compileSdk = 35
    defaultConfig {
        minSdk = 24
        // Release builds shrink and rename classes with R8; Rust reaches the plugin only through
        // JNI, by name, so the app that includes this library must keep it.
        consumerProguardFiles("consumer-rules.pro")
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions {
        jvmTarget = "17"
    }
}

dependencies {
    implementation("androidx.activity:activity-ktx:1.9.3")
    implementation("androidx.core:core-ktx:1.13.1")
}
