#!/bin/sh
# Raspberry Pi 4 with a sensor: libcamera (unicam + the ISP) into vc4 through the bridge,
# which tells libcamerasrc's pool nothing it can use, so it checks each buffer: libcamera's
# own buffers come from linux,cma (vidbuf_cached) and vc4 takes them as they are.
# plan: --producer unicam --consumer vc4 --format RGB888 --size 1280x720
exec gst-launch-1.0 -m libcamerasrc ! 'video/x-raw,width=1280,height=720' ! dmabridge \
	! dmabridgekmssink driver-name=vc4
