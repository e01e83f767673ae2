#!/bin/sh
# The first camera through the GPU (YUV to RGB) into the first display. The GPU element
# describes which memory its driver can use, so the camera captures straight into it where
# it can import; the converter renders into a buffer planned for the display.
exec gst-launch-1.0 -m dmabridgev4l2src "${@:-num-buffers=300}" ! 'video/x-raw,format=NV12' \
	! dmabridgeglconvert ! 'video/x-raw,format=BGRx' ! dmabridgekmssink
