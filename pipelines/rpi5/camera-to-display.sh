#!/bin/sh
# Raspberry Pi 5: libcamera (rp1-cfe, then the PiSP back end) into the vc4 display. The back
# end and the display both sit behind BCM2712 IOMMUs, so any pages do: the plan takes the
# scattered system heap and leaves CMA to the camera front end. 0 copies.
# plan: --producer pispbe --consumer vc4 --format NV12 --size 1920x1080
exec gst-launch-1.0 -m libcamerasrc ! 'video/x-raw,format=NV12,width=1920,height=1080' \
	! dmabridge ! dmabridgekmssink driver-name=vc4
